/**
 * The swap path on a model this project did not make: the emotion CNN that the npm package
 * `@vladmandic/human` 3.3.6 (MIT) ships as a tfjs graph model in its tarball
 * (`models/emotion.json` + `emotion.bin`, 64 x 64 grey input), loaded through `deno task train
 * --extractor PATH --feature-layer NODE` with a public random projection of its 16,384-wide
 * feature node, training a head on a small folder of real digits; then a client rebuilds the
 * same features from the model file alone and refuses another extractor.
 */
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { loadMnist, loadUciDigits, writeImageFolder } from "../../lib/datasets/mod.ts";
import { decodeImage } from "../../lib/datasets/mod.ts";
import {
  extractorId,
  ExtractorMismatchError,
  loadPipeline,
  pipelineForModel,
} from "../../lib/feature-extractor/mod.ts";
import { evaluatePlain } from "../../lib/he-head/engine/plain.ts";
import { compileModel, readModel } from "../../lib/model/mod.ts";

const ROOT = new URL("../../", import.meta.url);
const NODE = "StatefulPartitionedCall/model_1/add_2/add";

/** Runs a deno subcommand in the repository; returns its exit code and output. */
async function run(args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  })
    .output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** The emotion model's `model.json` inside the installed npm package (installed if missing). */
async function emotionModel(): Promise<string> {
  const resolve = () => createRequire(import.meta.url).resolve("@vladmandic/human");
  let entry: string;
  try {
    entry = resolve();
  } catch {
    // The package is pinned in deno.json; a fresh checkout installs it with the ordinary client.
    const r = await run(["install"]);
    assert.equal(r.code, 0, r.stderr);
    entry = resolve();
  }
  return entry.replace(/dist\/[^/]+$/, "models/emotion.json");
}

const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);

Deno.test("--extractor <npm @vladmandic/human emotion graph model> --feature-layer <node>: trains a head; the model file carries the extractor id, preprocessing and projection", async () => {
  const model = await emotionModel();
  const bin = model.replace(/\.json$/, ".bin");
  const id = await extractorId([await Deno.readFile(model), await Deno.readFile(bin)]);
  const dir = await Deno.makeTempDir();
  try {
    // Private: 3 classes of real UCI digits, 8x8 upscaled to 64 x 64 PNG files.
    const { train } = await loadUciDigits();
    const keep = range(0, 600).filter((i) => train.y[i] < 3).slice(0, 150);
    await writeImageFolder(train, `${dir}/digits`, { maxValue: 16, upscale: 8, indices: keep });
    // Public: 100 MNIST digits (28 x 28; resized by the preprocessing), for the scale only.
    await writeImageFolder(await loadMnist("test"), `${dir}/public`, { indices: range(0, 100) });
    const out = `${dir}/head.json`;
    const r = await run([
      "run",
      "--allow-all",
      "scripts/train.ts",
      "--data",
      `${dir}/digits`,
      "--extractor",
      model,
      "--feature-layer",
      NODE,
      "--input-size",
      "64x64",
      "--channels",
      "1",
      "--public-data",
      `${dir}/public`,
      "--reduce",
      "projection:24",
      "--input-bits",
      "5",
      "--no-dp",
      "--hidden",
      "0",
      "--sparsity",
      "0",
      "--epochs",
      "40",
      "--batch-size",
      "16",
      "--learning-rate",
      "0.02",
      "--out",
      out,
      "--quiet",
      "--json",
    ]);
    assert.equal(r.code, 0, r.stderr);
    const card = JSON.parse(r.stdout.trim().split("\n").pop()!);
    const head = await readModel(out);
    const p = head.preprocessing!;
    assert.equal(p.extractor.id, id, "the id is the content hash of the npm package's files");
    assert.equal(p.extractor.feature_layer, NODE);
    assert.deepEqual(
      [p.image!.height, p.image!.width, p.image!.channels, p.image!.resize, p.image!.scale],
      [64, 64, 1, "bilinear", 1 / 255],
    );
    assert.deepEqual(
      [p.reduction!.kind, p.reduction!.input_dim, p.reduction!.output_dim],
      ["random_projection", 16384, 24],
    );
    assert.deepEqual(head.input.shape, [24]);
    assert.deepEqual([head.input.min, head.input.max], [-15, 15], "signed 5-bit inputs");
    // Three digit classes from a face-emotion network's features: well above chance (1/3).
    assert.ok(card.test_accuracy.quantized > 0.6, `accuracy ${card.test_accuracy.quantized}`);

    // A client rebuilds the features from the model file alone: same integers as training's.
    const file = `${dir}/digits/1/${
      String(keep.find((i) => train.y[i] === 1)).padStart(6, "0")
    }.png`;
    const image = decodeImage(file, await Deno.readFile(file));
    const client = await pipelineForModel(head);
    const x = client.extractQuantized(client.toInput(image), 1);
    client.dispose();
    const direct = await loadPipeline(model, {
      featureLayer: NODE,
      image: p.image,
      reduction: p.reduction,
      quantization: head.input,
    });
    assert.deepEqual(x, direct.extractQuantized(direct.toInput(image), 1));
    direct.dispose();
    assert.equal(evaluatePlain(compileModel(head), x, 1).length, 1);

    // Any other extractor (here: the project's ScatterNet) is refused by id.
    await assert.rejects(
      () => pipelineForModel(head, new URL("models/scatternet/model.json", ROOT)),
      (e: unknown) => e instanceof ExtractorMismatchError && e.expected === id,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
