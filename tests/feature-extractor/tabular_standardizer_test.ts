import assert from "node:assert/strict";
import { loadBreastCancer } from "../../lib/datasets/mod.ts";
import {
  BREAST_CANCER_PUBLIC_UPPER,
  breastCancerStandardizer,
  tabularStandardizer,
} from "../../lib/feature-extractor/mod.ts";

Deno.test("the public breast cancer standardisation maps every row into [0, 1] and [0, 31]", async () => {
  const std = await breastCancerStandardizer();
  const { train } = await loadBreastCancer();
  const f = std.transform(train.x, train.count);
  assert.ok(f.every((v) => v >= 0 && v <= 1));
  const q = std.transformQuantized(train.x, train.count);
  assert.ok(q.every((v) => Number.isInteger(v) && v >= 0 && v <= 31));
  assert.equal(std.featureDim, 30);
  // The public bounds are never reached by the data (no clipping).
  for (let i = 0; i < train.x.length; i++) {
    assert.ok(train.x[i] <= BREAST_CANCER_PUBLIC_UPPER[i % 30]);
  }
  assert.match(std.id, /^sha256:[0-9a-f]{64}$/);
  assert.equal((await breastCancerStandardizer()).id, std.id);
});

Deno.test("a standardizer's id follows its bounds, and bad inputs are refused", async () => {
  const spec = { shape: [2], min: 0, max: 31, scale_log2: 5 };
  const a = await tabularStandardizer("t", ["a", "b"], [1, 2], spec);
  const b = await tabularStandardizer("t", ["a", "b"], [1, 3], spec);
  assert.notEqual(a.id, b.id);
  assert.deepEqual(Array.from(a.transform(new Float32Array([0.25, 8]), 1)), [0.5, 1]);
  assert.throws(() => a.transform(new Float32Array(3), 1), /expected 1 rows of 2 values/);
  await assert.rejects(
    () => tabularStandardizer("t", ["a"], [1, 2], spec),
    /expected 1 lower and upper bounds/,
  );
  // With lower bounds (DP ones, for example): (x - lower) / (upper - lower), and another id.
  const c = await tabularStandardizer("t", ["a", "b"], [1, 3], spec, [0.5, -1]);
  assert.notEqual(c.id, b.id);
  assert.deepEqual(Array.from(c.transform(new Float32Array([0.625, -2]), 1)), [0.5, 0]);
  assert.deepEqual(c.lower, [0.5, -1]);
  assert.deepEqual(b.lower, [0, 0]);
  await assert.rejects(
    () => tabularStandardizer("t", ["a", "b"], [1, 3], spec, [1, 0]),
    /expected a finite bound above 1 for a, received 1/,
  );
});
