import assert from "node:assert/strict";
import { MnistVariantError } from "../../../experiments/mnist/mod.ts";
import {
  layerExponentRanges,
  pruneLayers,
  quantizeStage,
} from "../../../experiments/mnist/compression.ts";
import { createCryptoNetsHead } from "../../../experiments/mnist/cryptonets_head.ts";
import { modelSparsity, outputBoundLog2 } from "../../../experiments/mnist/evaluation.ts";
import { exportCryptoNets, importCryptoNets } from "../../../experiments/mnist/export_model.ts";
import { im2colIndices, IMAGE_SIZE } from "../../../experiments/mnist/tf_network.ts";
import {
  pow2Activation,
  squareActivation,
} from "../../../experiments/mnist/variant_activations.ts";
import type { PolynomialActivation } from "../../../experiments/mnist/mod.ts";
import { compileModel, evaluateFast, parseModel } from "../../../lib/he-head/mod.ts";
import type { Head } from "../../../lib/dp-training/training/head.ts";
import { layerBiases, layerWeights } from "../../../lib/dp-training/training/head.ts";
import { seededRandom } from "../../../lib/dp-training/mechanisms/random.ts";

/** Float64 reference forward pass of the CryptoNets network. */
function referenceLogits(
  head: Head,
  acts: readonly PolynomialActivation[],
  x: ArrayLike<number>,
): number[] {
  const idx = im2colIndices();
  const poly = (a: PolynomialActivation, v: number) =>
    a.coefficients.reduceRight((s, c) => s * v + c, 0);
  const [w1, w2, w3] = [0, 1, 2].map((l) => layerWeights(head, l));
  const [b1, b2, b3] = [0, 1, 2].map((l) => layerBiases(head, l));
  const h1 = new Float64Array(845);
  for (let p = 0; p < 169; p++) {
    for (let f = 0; f < 5; f++) {
      let s = b1[f];
      for (let t = 0; t < 25; t++) {
        const i = idx[p * 25 + t];
        if (i < IMAGE_SIZE) s += x[i] * w1[t * 5 + f];
      }
      h1[p * 5 + f] = poly(acts[0], s);
    }
  }
  const h2 = Array.from({ length: 100 }, (_, j) => {
    let s = b2[j];
    for (let k = 0; k < 845; k++) s += h1[k] * w2[k * 100 + j];
    return poly(acts[1], s);
  });
  return Array.from({ length: 10 }, (_, j) => {
    let s = b3[j];
    for (let k = 0; k < 100; k++) s += h2[k] * w3[k * 10 + j];
    return s;
  });
}

function randomHead(seed: string): Head {
  const head = createCryptoNetsHead({ random: seededRandom(seed) });
  const rng = seededRandom(`${seed}/bias`);
  for (let l = 0; l < 3; l++) {
    layerBiases(head, l).forEach((_, j, b) => (b[j] = 0.1 * rng.normal()));
  }
  return head;
}

function randomInputs(count: number, seed: string): Int32Array {
  const rng = seededRandom(seed);
  return Int32Array.from({ length: count * IMAGE_SIZE }, () => Math.floor(rng.uniform() * 16));
}

function checkScales(model: ReturnType<typeof exportCryptoNets>): void {
  const net = compileModel(model);
  const count = 4;
  const ints = randomInputs(count, "inputs");
  const logits = evaluateFast(net, ints, count);
  const { head, activations } = importCryptoNets(model);
  for (let i = 0; i < count; i++) {
    const x = Array.from(ints.subarray(i * IMAGE_SIZE, (i + 1) * IMAGE_SIZE), (v) => v / 16);
    const ref = referenceLogits(head, activations, x);
    const scale = Math.max(...ref.map(Math.abs));
    for (let j = 0; j < 10; j++) {
      const got = Number(logits[i][j]) * 2 ** -net.outputScale;
      assert.ok(
        Math.abs(got - ref[j]) <= 1e-9 * scale + 1e-12,
        `image ${i} logit ${j}: integer ${got} vs float ${ref[j]}`,
      );
    }
  }
}

Deno.test("pow2 export: valid model, weights +-2^k in range, integer logits = float logits", () => {
  const head = randomHead("pow2");
  pruneLayers(head, [0.3, 0.9, 0.5]);
  const ranges = layerExponentRanges(head, [8, 8, 8]);
  quantizeStage(head, 1, ranges);
  const relu = pow2Activation("relu");
  const model = exportCryptoNets(head, {
    name: "t",
    weights: [{ kind: "pow2" }, { kind: "pow2" }, { kind: "pow2" }],
    activations: [relu, relu],
  });
  assert.deepEqual(parseModel(JSON.parse(JSON.stringify(model))), model);
  const linear = model.layers.filter((l) => l.type === "conv2d" || l.type === "dense");
  linear.forEach((l, i) => {
    const w = l.weights;
    assert.equal(w.kind, "pow2");
    if (w.kind !== "pow2") return;
    let min = Infinity, max = -Infinity;
    w.sign.forEach((s, k) => {
      if (s === 0) return;
      min = Math.min(min, w.exponent[k]);
      max = Math.max(max, w.exponent[k]);
      assert.ok(w.exponent[k] >= ranges[i].minExponent && w.exponent[k] <= ranges[i].maxExponent);
    });
    assert.equal(w.scale_log2, -min);
    assert.ok(max - min <= 7);
  });
  const sp = modelSparsity(model).map((s) => s.sparsity);
  assert.ok(sp[0] >= 0.3 - 1e-9 && sp[1] >= 0.9 - 1e-9 && sp[2] >= 0.5 - 1e-9, `${sp}`);
  // The exported pow2 weights are exactly the head's; biases round at the running scale.
  const back = importCryptoNets(model).head;
  assert.deepEqual(layerWeights(back, 1), layerWeights(head, 1));
  checkScales(model);
  assert.ok(outputBoundLog2(model) > 20);
});

Deno.test("int export: values within the bits, integer logits = float logits", () => {
  const head = randomHead("int");
  const sq = squareActivation();
  const model = exportCryptoNets(head, {
    name: "t",
    weights: [{ kind: "int", bits: 6 }, { kind: "int", bits: 6 }, { kind: "int", bits: 5 }],
    activations: [sq, sq],
  });
  const bits = [6, 6, 5];
  model.layers.filter((l) => l.type === "conv2d" || l.type === "dense").forEach((l, i) => {
    const w = l.weights;
    assert.equal(w.kind, "int");
    if (w.kind !== "int") return;
    const lim = 2 ** (bits[i] - 1) - 1;
    assert.ok(w.values.every((v) => Number.isInteger(v) && Math.abs(v) <= lim));
    assert.ok(w.values.some((v) => Math.abs(v) > lim / 2));
  });
  checkScales(model);
});

Deno.test("a pow2 export of weights that are not powers of two is refused", () => {
  const head = randomHead("bad");
  const sq = squareActivation();
  assert.throws(
    () =>
      exportCryptoNets(head, {
        name: "t",
        weights: [{ kind: "pow2" }, { kind: "pow2" }, { kind: "pow2" }],
        activations: [sq, sq],
      }),
    (e) =>
      e instanceof MnistVariantError && /expected weights that are zero or \+-2\^k/.test(e.message),
  );
});
