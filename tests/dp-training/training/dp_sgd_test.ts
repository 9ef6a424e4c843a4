import assert from "node:assert/strict";
import { initTf } from "../../../lib/tfjs/runtime.ts";
import {
  clippedGradientSum,
  createHead,
  type Head,
  layerTrainable,
  meanGradient,
  type PrivateHeadOptions,
  secureRandom,
  seededRandom,
  toTensorBatch,
  trainPrivateHead,
} from "../../../lib/dp-training/mod.ts";
import { tinyHeadOptions } from "../synthetic.ts";

await initTf();

function testHead(seed: number): Head {
  const r = seededRandom(seed);
  const head = createHead({
    inputDim: 5,
    hidden: [4],
    classes: 3,
    activation: [0.125, 0.5, 0.25],
    random: r,
  });
  for (let k = 0; k < head.params.length; k++) head.params[k] += 0.3 * r.normal();
  return head;
}

function batchOf(seed: number, count: number, scale: number) {
  const r = seededRandom(seed);
  const x = Float32Array.from({ length: count * 5 }, () => scale * r.normal());
  const y = Array.from({ length: count }, (_, i) => i % 3);
  return { x, y };
}

const norm = (v: ArrayLike<number>) => Math.sqrt(Array.from(v).reduce((s, x) => s + x * x, 0));

Deno.test("per-example norms from zero perturbations equal single-example gradient norms", () => {
  const head = testHead(1);
  const { x, y } = batchOf(2, 7, 1);
  const batch = toTensorBatch(x, y, 7, 3);
  const { norms } = clippedGradientSum(head, batch, 1e9);
  for (let i = 0; i < 7; i++) {
    const one = toTensorBatch(x.slice(i * 5, i * 5 + 5), [y[i]], 1, 3);
    const g = meanGradient(head, one).grad;
    assert.ok(
      Math.abs(norm(g) - norms[i]) < 1e-4 * norm(g),
      `example ${i}: ${norm(g)} vs ${norms[i]}`,
    );
  }
});

Deno.test("with a huge clip norm the clipped sum is the ordinary gradient sum", () => {
  const head = testHead(3);
  const { x, y } = batchOf(4, 9, 1);
  const batch = toTensorBatch(x, y, 9, 3);
  const { sum } = clippedGradientSum(head, batch, 1e9);
  const { grad } = meanGradient(head, batch);
  for (let k = 0; k < sum.length; k++) assert.ok(Math.abs(sum[k] - 9 * grad[k]) < 1e-4);
});

Deno.test("clipping bounds each example's contribution to the released sum by C", () => {
  const head = testHead(5);
  const { x, y } = batchOf(6, 8, 10); // large inputs: most raw norms are far above C
  const C = 0.5;
  const full = clippedGradientSum(head, toTensorBatch(x, y, 8, 3), C);
  assert.ok(full.norms.filter((n) => n > 5 * C).length >= 4, "most examples should need clipping");
  for (let i = 0; i < 8; i++) {
    const keep = [...Array(8).keys()].filter((j) => j !== i);
    const xs = new Float32Array(keep.flatMap((j) => [...x.slice(j * 5, j * 5 + 5)]));
    const without = clippedGradientSum(head, toTensorBatch(xs, keep.map((j) => y[j]), 7, 3), C);
    const diff = full.sum.map((v, k) => v - without.sum[k]);
    const contribution = norm(diff);
    assert.ok(contribution <= C * (1 + 1e-5), `example ${i} contributes ${contribution} > ${C}`);
    const expected = Math.min(C, full.norms[i]);
    assert.ok(
      Math.abs(contribution - expected) < 1e-3 * C,
      `example ${i}: contribution ${contribution}, expected min(C, ${full.norms[i]})`,
    );
  }
});

Deno.test("a fully frozen layer contributes nothing to the clipped norm but its biases", () => {
  const head = testHead(7);
  layerTrainable(head, 0).fill(0);
  const { x, y } = batchOf(8, 4, 1);
  const { norms } = clippedGradientSum(head, toTensorBatch(x, y, 4, 3), 1e9);
  for (let i = 0; i < 4; i++) {
    const g = meanGradient(head, toTensorBatch(x.slice(i * 5, i * 5 + 5), [y[i]], 1, 3)).grad;
    const l0 = head.layers[0];
    const trainable = g.filter((_, k) => k < l0.wOffset || k >= l0.bOffset);
    assert.ok(Math.abs(norm(trainable) - norms[i]) < 1e-4 * norm(trainable));
  }
});

function tinyRun(seed: string, overrides: Partial<PrivateHeadOptions> = {}) {
  return trainPrivateHead(tinyHeadOptions(seed, overrides));
}

Deno.test("the same seed reproduces the same model bit for bit; another seed does not", () => {
  const a = tinyRun("7"), b = tinyRun("7"), c = tinyRun("8");
  assert.deepEqual(new Uint8Array(a.head.params.buffer), new Uint8Array(b.head.params.buffer));
  assert.equal(JSON.stringify(a.model), JSON.stringify(b.model));
  assert.notEqual(JSON.stringify(a.model), JSON.stringify(c.model));
  assert.ok(a.epsilon! <= 8 && a.epsilon! > 7, `epsilon ${a.epsilon}`);
  assert.ok(a.noiseMultiplier > 0);
});

Deno.test("DP noise is really added: only the noise source differs, and the models differ", () => {
  const a = tinyRun("7", { noiseRandom: seededRandom("n1") });
  const b = tinyRun("7", { noiseRandom: seededRandom("n2") });
  assert.notEqual(JSON.stringify(a.model), JSON.stringify(b.model));
});

Deno.test("by default sampling and noise are secret: crypto.getRandomValues, never the same twice", () => {
  const a = tinyRun("7", { noiseRandom: undefined });
  const b = tinyRun("7", { noiseRandom: undefined });
  assert.equal(a.noiseSource, "crypto");
  assert.notEqual(JSON.stringify(a.model), JSON.stringify(b.model));
  assert.equal(a.quantizedFloatAccuracy, a.testAccuracy.quantized, "float sim must match integers");
  assert.equal(tinyRun("7", { noiseRandom: secureRandom() }).noiseSource, "crypto");
});

Deno.test("seeded noise is only what the caller asks for, and is reported as seeded", () => {
  assert.equal(tinyRun("7").noiseSource, "seeded");
  assert.equal(tinyRun("7", { noiseRandom: seededRandom("x") }).noiseSource, "seeded");
  assert.equal(tinyRun("7", { privacy: null }).noiseSource, null, "no DP, no noise");
});

Deno.test("phase reports carry no clipped fraction or loss of the private training split", () => {
  const r = tinyRun("7");
  for (const p of r.phases) {
    assert.deepEqual(
      Object.keys(p).sort(),
      ["action", "epochs", "name", "privacy", "sparsity", "steps", "testAccuracy"],
    );
  }
});
