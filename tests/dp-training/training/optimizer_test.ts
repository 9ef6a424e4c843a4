import assert from "node:assert/strict";
import { adam, cosineRate, sgd } from "../../../lib/dp-training/mod.ts";

/** The arithmetic of the MNIST experiment's former `ScheduledAdam`, written out as a reference. */
function referenceAdam(
  params: Float32Array,
  grads: Float32Array[],
  trainable: Uint8Array,
  rates: number[],
): void {
  const m = new Float64Array(params.length), v = new Float64Array(params.length);
  const b1 = 0.9, b2 = 0.999, eps = 1e-8;
  grads.forEach((grad, i) => {
    const t = i + 1, c1 = 1 - b1 ** t, c2 = 1 - b2 ** t;
    for (let k = 0; k < params.length; k++) {
      if (!trainable[k]) continue;
      const g = grad[k];
      m[k] = b1 * m[k] + (1 - b1) * g;
      v[k] = b2 * v[k] + (1 - b2) * g * g;
      params[k] -= (rates[i] * (m[k] / c1)) / (Math.sqrt(v[k] / c2) + eps);
    }
  });
}

Deno.test("cosineRate: start at step 0, end at the last step and after", () => {
  assert.deepEqual(cosineRate(0, 100, 1e-3, 1e-5), 1e-3);
  assert.ok(Math.abs(cosineRate(100, 100, 1e-3, 1e-5) - 1e-5) <= 1e-18);
  assert.ok(Math.abs(cosineRate(200, 100, 1e-3, 1e-5) - 1e-5) <= 1e-18);
  assert.ok(Math.abs(cosineRate(50, 100, 1, 0) - 0.5) <= 1e-15);
  assert.deepEqual(cosineRate(3, 0, 1, 0.25), 0.25);
});

Deno.test("adam with a per-step rate is bit-identical to the scheduled reference", () => {
  const n = 7, steps = 25;
  const trainable = Uint8Array.from({ length: n }, (_, k) => (k % 3 === 2 ? 0 : 1));
  const grads = Array.from(
    { length: steps },
    (_, s) => Float32Array.from({ length: n }, (_, k) => Math.sin(s * 7 + k) * (k + 1)),
  );
  const rates = grads.map((_, s) => cosineRate(s, steps - 1, 1e-2, 5e-4));
  const expected = Float32Array.from({ length: n }, (_, k) => k / 10 - 0.3);
  const actual = expected.slice();
  referenceAdam(expected, grads, trainable, rates);
  const opt = adam({ learningRate: 1 });
  grads.forEach((g, s) => opt.step(actual, g, trainable, rates[s]));
  assert.deepEqual(actual, expected);
});

Deno.test("optimizers refuse bad per-step rates and mismatched lengths", () => {
  for (const opt of [adam({ learningRate: 0.1 }), sgd({ learningRate: 0.1 })]) {
    const p = new Float32Array(2), g = new Float32Array(2), t = new Uint8Array([1, 1]);
    assert.throws(() => opt.step(p, g, t, -1), {
      name: "RangeError",
      message: /expected a finite learning rate >= 0/,
    });
    assert.throws(() => opt.step(p, g, t, NaN), { name: "RangeError", message: /received NaN/ });
    assert.throws(() => opt.step(p, new Float32Array(3), t), {
      name: "RangeError",
      message: /expected 2 gradients/,
    });
    opt.step(p, g, t, 0);
    assert.deepEqual(p, new Float32Array(2));
  }
});
