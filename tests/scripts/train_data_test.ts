/**
 * `deno task train --data DIR` end to end: a folder of 300 real UCI digits written as PNG, JPEG
 * and PGM files of mixed sizes -> the real train command (DP, crypto noise) -> `deno serve` on
 * loopback -> PNG files classified through HTTP with encrypted plans, equal to the plaintext
 * integer head.
 */
import assert from "node:assert/strict";
import { issueToken, startServer } from "../../lib/server/local_server.ts";
import { classifyImagesCli, runDeno as run } from "../fixtures/fashion_head.ts";
import { HeadClient } from "../../lib/client/mod.ts";
import { decodeImage, loadUciDigits, writeImageFolder } from "../../lib/datasets/mod.ts";
import {
  loadExtractor,
  quantizeFeatures,
  uciBlocksFromImage,
} from "../../lib/feature-extractor/mod.ts";
import { argmax, evaluatePlain } from "../../lib/he-head/engine/plain.ts";
import { compileModel } from "../../lib/model/network.ts";
import { readModel } from "../../lib/model/files.ts";

const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);

Deno.test("train --data DIR -> serve -> classify PNG files over HTTP: encrypted == plaintext integer head", async () => {
  const { train, test } = await loadUciDigits();
  const dir = await Deno.makeTempDir();
  const data = `${dir}/digits`;
  // 300 private digits as a user would hold them: mixed formats, sizes and polarities.
  await writeImageFolder(train, data, { maxValue: 16, indices: range(0, 150) });
  await writeImageFolder(train, data, {
    maxValue: 16,
    upscale: 4,
    invert: true,
    indices: range(150, 230),
  });
  await writeImageFolder(train, data, {
    maxValue: 16,
    upscale: 3,
    format: "jpeg",
    indices: range(230, 270),
  });
  await writeImageFolder(train, data, { maxValue: 16, format: "pgm", indices: range(270, 300) });
  await Deno.writeTextFile(`${data}/notes.txt`, "not an image: skipped with a note");
  const out = `${dir}/head/digits.json`;
  const trained = await run([
    "run",
    "--allow-all",
    "scripts/train.ts",
    "--data",
    data,
    "--target-epsilon",
    "8",
    "--epochs",
    "30",
    "--hidden",
    "16",
    "--out",
    out,
    "--quiet",
    "--json",
  ]);
  assert.equal(trained.code, 0, trained.stderr);
  assert.match(trained.stderr, /note: 1 file\(s\) skipped .*notes\.txt/);
  assert.match(trained.stderr, /10 classes \["0","1",.*"9"\], 240 training and 60 test examples/);
  const card = JSON.parse(trained.stdout.trim().split("\n").pop()!);
  assert.equal(card.private, true, "crypto noise: a private head");
  assert.deepEqual([card.dataset.name, card.dataset.train, card.dataset.test], ["digits", 240, 60]);
  const model = await readModel(out);
  assert.deepEqual(model.classes, train.classes);
  const names = [];
  for await (const e of Deno.readDir(`${dir}/head`)) names.push(e.name);
  assert.deepEqual(
    names.sort(),
    ["digits.card.json", "digits.card.md", "digits.json"],
    "no temp file left",
  );

  // Private test digits the head never saw, as 24 x 24 dark-on-white PNG files.
  await writeImageFolder(test, `${dir}/queries`, {
    maxValue: 16,
    upscale: 3,
    invert: true,
    indices: range(0, 12),
  });
  const files = range(0, 12).map((i) =>
    `${dir}/queries/${test.classes[test.y[i]]}/${String(i).padStart(6, "0")}.png`
  );
  const extractor = await loadExtractor();
  const raw = new Float32Array(64 * files.length);
  for (const [k, f] of files.entries()) {
    raw.set(uciBlocksFromImage(decodeImage(f, await Deno.readFile(f))), 64 * k);
  }
  const x = quantizeFeatures(extractor.extract(raw, files.length), model.input);
  extractor.dispose();
  const want = evaluatePlain(compileModel(model), x, files.length);

  const token = await issueToken(`${dir}/keys.kv`, "train-data-e2e");
  const server = await startServer({ FCN_MODEL: out, FCN_KV: `${dir}/keys.kv` });
  try {
    const client = await HeadClient.connect(server.base, { token });
    assert.deepEqual(
      client.description.classes,
      train.classes,
      "GET /v1/model carries the class names",
    );
    {
      using simd = await client.session("simd");
      assert.deepEqual((await simd.classify(x, files.length)).logits, want, "simd batch");
    }
    {
      using poly = await client.session("poly");
      assert.deepEqual((await poly.classify(x.subarray(0, x.length / files.length), 1)).logits, [
        want[0],
      ]);
    }
    const answer = await classifyImagesCli(server.base, token, files);
    assert.equal(answer.exact, true);
    assert.deepEqual(answer.predictions, want.map((l) => model.classes![argmax(l)]), "class names");
  } finally {
    await server.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("train --data DIR: a corrupt image or a single class fails with the file named and writes nothing", async () => {
  const { train } = await loadUciDigits();
  const dir = await Deno.makeTempDir();
  try {
    await writeImageFolder(train, `${dir}/d`, { maxValue: 16, indices: range(0, 40) });
    await Deno.writeFile(
      `${dir}/d/3/broken.png`,
      new Uint8Array([0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10, 0, 0]),
    );
    const out = `${dir}/out/head.json`;
    await Deno.mkdir(`${dir}/out`);
    const args = [
      "run",
      "--allow-all",
      "scripts/train.ts",
      "--epochs",
      "2",
      "--quiet",
      "--out",
      out,
    ];
    const r = await run([...args, "--data", `${dir}/d`]);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      new RegExp(`error: ${dir}/d/3/broken\\.png: expected a readable PNG image`),
    );
    await Deno.mkdir(`${dir}/one/cats`, { recursive: true });
    await Deno.copyFile(`${dir}/d/3/broken.png`, `${dir}/one/cats/a.png`);
    const one = await run([...args, "--data", `${dir}/one`]);
    assert.equal(one.code, 1);
    assert.match(
      one.stderr,
      /error: .*\/one: expected at least 2 class sub-folders \(one per class\), received 1 \("cats"\)/,
    );
    assert.deepEqual([...Deno.readDirSync(`${dir}/out`)], [], "nothing written");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
