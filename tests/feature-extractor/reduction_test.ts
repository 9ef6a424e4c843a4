import assert from "node:assert/strict";
import seedrandom from "seedrandom";
import {
  applyReduction,
  ExtractorError,
  fitPca,
  publicQuantization,
  randomProjection,
} from "../../lib/feature-extractor/mod.ts";
import type { LinearReduction } from "../../lib/model/mod.ts";

Deno.test("applyReduction: y = M (x - mean), row by row", () => {
  const r: LinearReduction = {
    kind: "pca",
    input_dim: 3,
    output_dim: 2,
    mean: [1, 0, -1],
    matrix: [1, 2, 3, 0, -1, 0.5],
    source: "test",
  };
  const y = applyReduction(new Float32Array([1, 1, 1, 2, 0, -1]), 2, r);
  assert.deepEqual(Array.from(y), [0 + 2 + 6, 0 - 1 + 1, 1, 0]);
  assert.throws(() => applyReduction(new Float32Array(5), 2, r), ExtractorError);
});

Deno.test("randomProjection: seeded (same seed, same matrix), N(0, 1/k) entries, norms kept", () => {
  const a = randomProjection(400, 64, "s1"), b = randomProjection(400, 64, "s1");
  assert.deepEqual(a.matrix, b.matrix);
  assert.notDeepEqual(a.matrix, randomProjection(400, 64, "s2").matrix);
  const m = a.matrix, mean = m.reduce((s, v) => s + v, 0) / m.length;
  const variance = m.reduce((s, v) => s + (v - mean) ** 2, 0) / m.length;
  assert.ok(Math.abs(mean) < 0.01 && Math.abs(variance * 64 - 1) < 0.05, `${mean} ${variance}`);
  // Johnson-Lindenstrauss: squared norms kept within 50% for random vectors.
  const rng = seedrandom("x");
  for (let t = 0; t < 20; t++) {
    const x = Float32Array.from({ length: 400 }, () => rng() - 0.5);
    const y = applyReduction(x, 1, a);
    const ratio = y.reduce((s, v) => s + v * v, 0) / x.reduce((s, v) => s + v * v, 0);
    assert.ok(ratio > 0.5 && ratio < 1.5, `ratio ${ratio}`);
  }
  assert.throws(() => randomProjection(10, 11, "s"), RangeError);
});

Deno.test("fitPca: recovers a planted 3-dimensional subspace of 40-dimensional public data", () => {
  const rng = seedrandom("pca-test");
  const n = 40, count = 500;
  const basis = Array.from({ length: 3 }, () => Array.from({ length: n }, () => rng() - 0.5));
  const x = new Float32Array(count * n);
  for (let r = 0; r < count; r++) {
    const c = [10 * (rng() - 0.5), 6 * (rng() - 0.5), 3 * (rng() - 0.5)];
    for (let j = 0; j < n; j++) {
      x[r * n + j] = 5 + c[0] * basis[0][j] + c[1] * basis[1][j] + c[2] * basis[2][j] +
        0.01 * (rng() - 0.5);
    }
  }
  const r = fitPca(x, count, n, 3, "planted");
  assert.equal(r.source, "planted");
  // Rows orthonormal.
  for (let a = 0; a < 3; a++) {
    for (let b = 0; b < 3; b++) {
      let dot = 0;
      for (let j = 0; j < n; j++) dot += r.matrix[a * n + j] * r.matrix[b * n + j];
      assert.ok(Math.abs(dot - (a === b ? 1 : 0)) < 1e-4, `rows ${a}, ${b}: ${dot}`);
    }
  }
  // The projection keeps (almost) all the variance around the mean.
  const y = applyReduction(x, count, r);
  let kept = 0, total = 0;
  for (let i = 0; i < count; i++) {
    for (let j = 0; j < n; j++) total += (x[i * n + j] - r.mean[j]) ** 2;
    for (let a = 0; a < 3; a++) kept += y[i * 3 + a] ** 2;
  }
  assert.ok(kept / total > 0.999, `kept ${kept / total}`);
  assert.throws(() => fitPca(x, 2, n, 3, "too few"), RangeError);
});

Deno.test("publicQuantization: non-negative features [0, 2^b - 1]; signed ones symmetric", () => {
  const pos = publicQuantization(new Float32Array([0, 1, 2, 3.5]), 2, 4);
  assert.deepEqual([pos.min, pos.max, pos.scale_log2], [0, 15, 2]);
  const signed = publicQuantization(new Float32Array([-3, 1, 2, -0.5]), 2, 5, 1);
  assert.deepEqual([signed.min, signed.max], [-15, 15]);
  assert.ok(Math.round(3 * 2 ** signed.scale_log2) <= 15);
  assert.ok(Math.round(3 * 2 ** (signed.scale_log2 + 1)) > 15, "the largest scale that fits");
  assert.throws(() => publicQuantization(new Float32Array([1]), 1, 1), RangeError);
});
