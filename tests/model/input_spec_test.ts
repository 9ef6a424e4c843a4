import assert from "node:assert/strict";
import {
  dequantizeFeatures,
  deriveQuantization,
  quantizeFeatures,
} from "../../lib/feature-extractor/mod.ts";

Deno.test("quantizeFeatures rounds at the scale and clamps to [min, max]", () => {
  const spec = { shape: [6], min: 0, max: 15, scale_log2: 2 };
  const q = quantizeFeatures(new Float32Array([0, 0.124, 0.125, 1, 3.75, 100]), spec);
  assert.deepEqual(Array.from(q), [0, 0, 1, 4, 15, 15]);
  assert.deepEqual(Array.from(quantizeFeatures(new Float32Array([-3, NaN]), spec)), [0, 0]);
  assert.deepEqual(Array.from(dequantizeFeatures(q, spec)), [0, 0, 0.25, 1, 3.75, 3.75]);
  assert.throws(
    () => quantizeFeatures(new Float32Array(1), { shape: [1], min: 3, max: 2, scale_log2: 0 }),
    /min <= max/,
  );
});

Deno.test("deriveQuantization picks the largest scale that covers the public values", () => {
  // 1000 public values 0..4.995: the 99.9% quantile is 4.99; 4.99 * 2^1 = 9.98 -> 10 <= 15,
  // 4.99 * 2^2 = 19.96 > 15, so the scale is 2^1.
  const values = Float32Array.from({ length: 1000 }, (_, i) => i * 0.005);
  assert.deepEqual(deriveQuantization(values, 10, { bits: 4 }), {
    shape: [10],
    min: 0,
    max: 15,
    scale_log2: 1,
  });
  assert.equal(deriveQuantization(values, 10, { bits: 6 }).scale_log2, 3);
  assert.throws(() => deriveQuantization(new Float32Array([-1, 1]), 2), /non-negative/);
  assert.throws(() => deriveQuantization(new Float32Array(3), 2), /multiple of 2/);
});
