import assert from "node:assert/strict";
import {
  getMnistVariant,
  loadMnistVariant,
  loadQuantizedMnist,
  type MnistData,
  saveMnistVariant,
  trainMnistVariant,
  VARIANTS,
} from "../../../experiments/mnist/mod.ts";
import { modelSparsity } from "../../../experiments/mnist/evaluation.ts";
import { compileModel, predictFast } from "../../../lib/he-head/mod.ts";

let shared: MnistData | undefined;
async function tinyData(): Promise<MnistData> {
  shared ??= {
    train: await loadQuantizedMnist("train", 256),
    test: await loadQuantizedMnist("test", 200),
  };
  return shared;
}

Deno.test("quick faster-relu-aq: valid pow2 model, integer and float agree", async () => {
  const data = await tinyData();
  const r = await trainMnistVariant("faster-relu-aq", { quick: true, progress: false, data });
  const net = compileModel(r.model);
  assert.equal(net.inputSize, 784);
  assert.equal(net.outputSize, 10);
  const pred = predictFast(net, data.test.ints, data.test.count);
  let hits = 0;
  for (let i = 0; i < data.test.count; i++) if (pred[i] === data.test.y[i]) hits++;
  assert.equal(hits / data.test.count, r.quantizedAccuracy);
  assert.ok(r.agreement >= 0.9, `float and integer predictions agree on ${r.agreement}`);
  assert.ok(r.quantizedAccuracy > 0.2, `better than chance: ${r.quantizedAccuracy}`);
  const c = VARIANTS["faster-relu-aq"].compression;
  assert.equal(c.kind, "pow2");
  if (c.kind !== "pow2") return;
  modelSparsity(r.model).forEach((s, l) =>
    assert.ok(s.sparsity >= c.sparsity[l] - 1e-9, `${s.name}`)
  );
  for (const layer of r.model.layers) {
    if (layer.type !== "conv2d" && layer.type !== "dense") continue;
    assert.equal(layer.weights.kind, "pow2");
  }
  const acts = r.model.layers.filter((l) => l.type === "activation");
  assert.deepEqual(acts.map((a) => a.type === "activation" && a.kind), ["relu-aq", "relu-aq"]);
  assert.ok(Number.isFinite(r.outputBoundLog2) && r.outputBoundLog2 > 20);
  assert.deepEqual(r.model.metadata?.accuracy, {
    float: r.floatAccuracy,
    quantized: r.quantizedAccuracy,
  });
});

Deno.test("quick cryptodl: degree-3 dyadic activation, stored and read back (gzip)", async () => {
  const data = await tinyData();
  const r = await trainMnistVariant("cryptodl", { quick: true, progress: false, data });
  const acts = r.model.layers.filter((l) => l.type === "activation");
  for (const a of acts) {
    if (a.type !== "activation") continue;
    assert.equal(a.coefficients.length, 4);
    assert.equal(a.kind, "relu-ls3");
    for (const c of a.coefficients) assert.ok(c.e >= -20, `coefficient ${c.m} * 2^${c.e}`);
  }
  assert.ok(r.agreement >= 0.9, `agreement ${r.agreement}`);
  const dir = await Deno.makeTempDir();
  try {
    const url = await saveMnistVariant(r, { dir, gzipAbove: 1000 });
    assert.ok(url.pathname.endsWith("cryptodl.json.gz"));
    const back = await loadMnistVariant("cryptodl", { dir });
    assert.ok(back !== null);
    assert.equal(back.cached, true);
    assert.deepEqual(back.model, r.model);
    assert.equal(back.quantizedAccuracy, r.quantizedAccuracy);
    // getMnistVariant returns the stored model instead of training.
    const again = await getMnistVariant("cryptodl", { dir, progress: false });
    assert.equal(again.cached, true);
    assert.equal(await loadMnistVariant("cryptonets", { dir }), null);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("quick runs are reproducible with the same seed", async () => {
  const data = await tinyData();
  const a = await trainMnistVariant("cryptonets", { quick: true, progress: false, data, seed: 3 });
  const b = await trainMnistVariant("cryptonets", { quick: true, progress: false, data, seed: 3 });
  assert.deepEqual(a.model.layers, b.model.layers);
});
