import assert from "node:assert/strict";
import { initTf } from "../../../lib/tfjs/runtime.ts";
import {
  clippedGradientSum,
  createHead,
  type Head,
  layerTrainable,
  meanGradient,
  seededRandom,
  toTensorBatch,
} from "../../../lib/dp-training/mod.ts";

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
