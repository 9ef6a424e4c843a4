/**
 * The Fashion-MNIST path as a user runs it: `deno task export:fashion-mnist` writes a few hundred
 * PNG files in class folders -> `deno task train --data ... --extractor models/scatternet
 * --public-data ... --reduce pca:16` (DP, crypto noise) -> the model file carries the extractor
 * id, the image preprocessing and the public PCA -> `deno serve` on loopback -> `deno task
 * classify --image` on PNG files through an encrypted plan, equal to the plaintext integer head
 * on the features a client rebuilds from the model file alone.
 */
import assert from "node:assert/strict";
import { issueToken, startServer } from "../../../lib/server/local_server.ts";
import { HeadClient, imageFeaturesFor } from "../../../lib/client/mod.ts";
import { decodeImage, fashionMnistAvailable } from "../../../lib/datasets/mod.ts";
import { extractorId, pipelineForModel } from "../../../lib/feature-extractor/mod.ts";
import { argmax, evaluatePlain } from "../../../lib/he-head/engine/plain.ts";
import { compileModel, readModel } from "../../../lib/model/mod.ts";
import { FASHION_FOLDERS } from "../../../experiments/fashion/mod.ts";
import {
  classifyImagesCli,
  exportFashion,
  ROOT,
  trainFashionHead,
} from "../../fixtures/fashion_head.ts";

Deno.test("export:fashion-mnist -> train --extractor models/scatternet --public-data --reduce pca -> serve -> classify PNG files: model carries preprocessing and id; encrypted == integer head", async () => {
  assert.ok(
    await fashionMnistAvailable(),
    "Fashion-MNIST is needed: apt-get install -y dataset-fashion-mnist (.ci/run installs it)",
  );
  const dir = await Deno.makeTempDir();
  try {
    const summary = await exportFashion(dir);
    assert.deepEqual(summary.files, { train: 300, test: 60, publicMnist: 150 });
    const folders = [...Deno.readDirSync(`${dir}/fashion/train`)].map((e) => e.name).sort();
    assert.deepEqual(folders, [...FASHION_FOLDERS].sort(), "class names as folder names");

    const out = `${dir}/head/fashion.json`;
    const card = await trainFashionHead(dir, out);
    assert.equal(card.private, true, "crypto noise: a private head");
    const model = await readModel(out);
    const p = model.preprocessing!;
    const id = await extractorId([
      await Deno.readFile(new URL("models/scatternet/model.json", ROOT)),
      await Deno.readFile(new URL("models/scatternet/weights.bin", ROOT)),
    ]);
    assert.equal(p.extractor.id, id);
    assert.equal(p.extractor.feature_layer, "normalized", "the metadata's default node");
    assert.deepEqual(
      p.image,
      { height: 28, width: 28, channels: 1, resize: "bilinear", scale: 1 / 255, offset: 0 },
    );
    assert.deepEqual([p.reduction!.kind, p.reduction!.input_dim, p.reduction!.output_dim], [
      "pca",
      3969,
      16,
    ]);
    assert.match(p.reduction!.source, /150 public images of .*public-mnist/);
    assert.deepEqual(model.classes, [...FASHION_FOLDERS].sort());
    assert.match(JSON.stringify(card), /scatternet-j2-l8-28x28/);

    // Test PNG files, their features rebuilt from the model file alone, the integer head's logits.
    const files: string[] = [];
    for (const c of model.classes!.slice(0, 4)) {
      const names = [...Deno.readDirSync(`${dir}/fashion/test/${c}`)].map((e) => e.name).sort();
      files.push(`${dir}/fashion/test/${c}/${names[0]}`);
    }
    const client = await pipelineForModel(model, new URL("models/scatternet", ROOT));
    const images = await Promise.all(
      files.map(async (f) => decodeImage(f, await Deno.readFile(f))),
    );
    const x = client.extractQuantized(
      Float32Array.from(images.flatMap((im) => Array.from(client.toInput(im)))),
      files.length,
    );
    client.dispose();
    const want = evaluatePlain(compileModel(model), x, files.length);

    const token = await issueToken(`${dir}/keys.kv`, "fashion-path");
    const server = await startServer({ FCN_MODEL: out, FCN_KV: `${dir}/keys.kv` });
    try {
      const head = await HeadClient.connect(server.base, { token });
      assert.deepEqual(head.description.preprocessing, p, "GET /v1/model carries the block");
      const features = await imageFeaturesFor(head.description, images, "models/scatternet");
      assert.deepEqual(features, x, "lib/client computes the same integers");
      {
        using poly = await head.session("poly");
        const r = await poly.classify(features.subarray(0, 16), 1);
        assert.deepEqual(r.logits, [want[0]], "poly: encrypted logits == integer head's");
      }
      const answer = await classifyImagesCli(server.base, token, files);
      assert.equal(answer.exact, true);
      assert.deepEqual(answer.predictions, want.map((l) => model.classes![argmax(l)]));
    } finally {
      await server.stop();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
