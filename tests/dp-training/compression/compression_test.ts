import assert from "node:assert/strict";
import { initTf } from "../../../lib/tfjs/runtime.ts";
import { compileModel, evaluatePlain, parseModel, predictPlain } from "../../../lib/he-head/mod.ts";
import {
  adam,
  argmaxRows,
  createHead,
  exponentRange,
  exportHead,
  type Head,
  headExponentRanges,
  headLogits,
  INQ_SCHEDULE,
  isPow2InRange,
  layerSparsity,
  layerTrainable,
  layerWeights,
  numberToDyadic,
  pruneToSparsity,
  pruningSchedule,
  quantizeShare,
  roundBiases,
  roundToPow2,
  seededRandom,
  trainSteps,
} from "../../../lib/dp-training/mod.ts";
import { SYNTHETIC_INPUT, syntheticExamples } from "../synthetic.ts";

await initTf();

function head(seed: number): Head {
  return createHead({
    inputDim: 6,
    hidden: [8],
    classes: 3,
    activation: [0.125, 0.5, 0.25],
    random: seededRandom(seed),
  });
}

Deno.test("magnitude pruning reaches the target sparsity per layer and removes the smallest", () => {
  const h = head(1);
  const before = h.layers.map((_, l) => Array.from(layerWeights(h, l), Math.abs));
  const sparsity = pruneToSparsity(h, 0.6);
  h.layers.forEach((layer, l) => {
    const n = layer.inputs * layer.units;
    assert.equal(sparsity[l], Math.ceil(0.6 * n) / n);
    assert.equal(layerSparsity(h, l), sparsity[l]);
    const w = layerWeights(h, l), t = layerTrainable(h, l);
    let maxPruned = 0, minKept = Infinity;
    for (let k = 0; k < n; k++) {
      if (w[k] === 0 && t[k] === 0) maxPruned = Math.max(maxPruned, before[l][k]);
      else minKept = Math.min(minKept, before[l][k]);
    }
    assert.ok(maxPruned <= minKept, `layer ${l}: pruned a weight larger than one kept`);
  });
  const s = pruningSchedule(0.5, 3);
  assert.equal(s[2], 0.5);
  assert.ok(s[0] < s[1] && s[1] < s[2]);
  assert.throws(() => pruneToSparsity(h, 1), /sparsity in \[0, 1\), received 1/);
  assert.throws(() => pruneToSparsity(h, -0.1), /sparsity in \[0, 1\), received -0.1/);
});

Deno.test("power-of-two rounding picks the nearest level in range", () => {
  const r = { minExponent: -4, maxExponent: 0 };
  assert.equal(roundToPow2(0.3, r), 0.25);
  assert.equal(roundToPow2(0.38, r), 0.5);
  assert.equal(roundToPow2(-0.4, r), -0.5);
  assert.equal(roundToPow2(5, r), 1);
  assert.equal(roundToPow2(0.04, r), 0.0625);
  assert.equal(roundToPow2(0.02, r), 0);
  // n1 = floor(log2(4/3 max|w|)): 0.7 -> -1 (0.7 rounds to 0.5), 0.76 -> 0 (rounds to 1).
  assert.deepEqual(exponentRange([0.1, -0.7, 0.2], 8), { minExponent: -8, maxExponent: -1 });
  assert.deepEqual(exponentRange([0.74], 3), { minExponent: -3, maxExponent: -1 });
  assert.deepEqual(exponentRange([0.76], 3), { minExponent: -2, maxExponent: 0 });
});

Deno.test("INQ freezes the largest shares in stages until every weight is 0 or +-2^k in range", () => {
  const h = head(2);
  pruneToSparsity(h, 0.25);
  const ranges = headExponentRanges(h, 6);
  const data = syntheticExamples(40, 3, "inq");
  const set = {
    x: Float32Array.from(data.x, (v) => v / 4),
    y: data.y,
    count: 40,
    dim: 6,
    classes: 3,
  };
  for (const share of INQ_SCHEDULE) {
    quantizeShare(h, share, ranges);
    h.layers.forEach((_, l) => {
      const w = layerWeights(h, l), t = layerTrainable(h, l);
      let quantized = 0, unpruned = 0;
      for (let k = 0; k < w.length; k++) {
        if (t[k] === 0) assert.ok(isPow2InRange(w[k], ranges[l]), `frozen ${w[k]} not pow2`);
        if (t[k] === 0 && w[k] !== 0) quantized++;
        if (!(t[k] === 0 && w[k] === 0)) unpruned++;
      }
      assert.ok(quantized >= Math.floor(share * unpruned) - 0, `share ${share}, layer ${l}`);
    });
    const frozen = h.params.filter((_, k) => h.trainable[k] === 0);
    trainSteps(h, set, {
      steps: 3,
      sampleRate: 0.5,
      optimizer: adam({ learningRate: 0.1 }),
      random: seededRandom(3),
      privacy: { clipNorm: 1, noiseMultiplier: 1 },
    });
    assert.deepEqual(h.params.filter((_, k) => h.trainable[k] === 0), frozen, "frozen moved");
  }
  h.layers.forEach((_, l) => {
    assert.ok(layerTrainable(h, l).every((t) => t === 0));
    assert.ok(layerWeights(h, l).every((w) => isPow2InRange(w, ranges[l])));
    assert.ok(layerSparsity(h, l) >= 0.25);
  });
});

Deno.test("the exported model is valid and its exact integer inference matches the float head", () => {
  const h = head(4);
  pruneToSparsity(h, 0.5);
  quantizeShare(h, 1, headExponentRanges(h, 8));
  const r = seededRandom(5);
  for (const l of h.layers) {
    for (let j = 0; j < l.units; j++) h.params[l.bOffset + j] = 0.3 * r.normal();
  }
  const model = exportHead(h, { name: "t", input: SYNTHETIC_INPUT, activationKind: "relu-aq" });
  roundBiases(h, SYNTHETIC_INPUT.scale_log2);
  assert.doesNotThrow(() => parseModel(JSON.parse(JSON.stringify(model))));
  const data = syntheticExamples(50, 3, "export");
  const net = compileModel(model);
  const ints = evaluatePlain(net, data.x, data.count);
  const float = headLogits(h, Float64Array.from(data.x, (v) => v / 4), data.count);
  for (let i = 0; i < data.count; i++) {
    for (let j = 0; j < 3; j++) {
      const real = Number(ints[i][j]) * 2 ** -net.outputScale;
      assert.ok(Math.abs(real - float[i * 3 + j]) < 1e-5, `${real} vs ${float[i * 3 + j]}`);
    }
  }
  assert.deepEqual(predictPlain(net, data.x, data.count), argmaxRows(float, data.count));
  const partly = head(6);
  assert.throws(
    () => exportHead(partly, { name: "t", input: SYNTHETIC_INPUT, activationKind: "x" }),
    /expected every weight frozen/,
  );
  assert.deepEqual(numberToDyadic(0.125), { m: 1, e: -3 });
  assert.deepEqual(numberToDyadic(-0.75), { m: -3, e: -2 });
});
