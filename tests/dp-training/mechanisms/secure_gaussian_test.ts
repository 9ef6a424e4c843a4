import assert from "node:assert/strict";
import {
  dpNoiseRandom,
  GaussianMechanism,
  noiseSourceOf,
  normalCdf,
  poissonSample,
  SECURE_GAUSSIAN_TERMS,
  secureRandom,
  seededRandom,
  summedGaussian,
} from "../../../lib/dp-training/mod.ts";

/** Moments, tail fractions and the Kolmogorov-Smirnov distance to N(0, std^2). */
function summary(v: Float64Array, std: number) {
  const n = v.length;
  let s1 = 0, s2 = 0, s4 = 0, over2 = 0, over3 = 0;
  for (const x of v) {
    const z = x / std;
    s1 += z;
    s2 += z * z;
    s4 += z ** 4;
    if (Math.abs(z) > 2) over2++;
    if (Math.abs(z) > 3) over3++;
  }
  const mean = s1 / n, variance = s2 / n - mean * mean;
  const sorted = Float64Array.from(v, (x) => x / std).sort();
  let ks = 0;
  for (let i = 0; i < n; i++) {
    const f = normalCdf(sorted[i]);
    ks = Math.max(ks, Math.abs(f - i / n), Math.abs((i + 1) / n - f));
  }
  return { n, mean, variance, kurtosis: s4 / n, over2: over2 / n, over3: over3 / n, ks };
}

/**
 * Checks a sample against N(0, std^2) with tolerances of 5 standard errors (KS at 2.5/sqrt(n),
 * false alarm ~1e-5): a wrong scale (noise std off by 10% or more), a biased mean or light or
 * heavy tails fail.
 */
function assertStandardNormal(v: Float64Array, std: number, label: string): void {
  const s = summary(v, std);
  const se = (p: number) => Math.sqrt(p * (1 - p) / s.n);
  const near = (got: number, want: number, tol: number, what: string) =>
    assert.ok(Math.abs(got - want) <= tol, `${label}: ${what} ${got}, expected ${want} +- ${tol}`);
  near(s.mean, 0, 5 / Math.sqrt(s.n), "mean");
  near(s.variance, 1, 5 * Math.sqrt(2 / s.n), "variance / std^2");
  near(s.kurtosis, 3, 5 * Math.sqrt(96 / s.n), "E[z^4]");
  near(s.over2, 0.0455003, 5 * se(0.0455003), "P(|z| > 2)");
  near(s.over3, 0.0026998, 5 * se(0.0026998), "P(|z| > 3)");
  assert.ok(s.ks < 2.5 / Math.sqrt(s.n), `${label}: KS distance ${s.ks}`);
}

Deno.test("the summed sampler adds exactly four variates and halves the sum", () => {
  assert.equal(SECURE_GAUSSIAN_TERMS, 4);
  let calls = 0;
  const draws = [0.5, -1.25, 3, 2];
  assert.equal(summedGaussian(() => draws[calls++]), (0.5 - 1.25 + 3 + 2) / 2);
  assert.equal(calls, 4);
});

Deno.test("secure normal variates are N(0, 1): mean, variance, kurtosis, tails, KS", () => {
  const r = secureRandom();
  assert.equal(r.secure, true);
  const v = Float64Array.from({ length: 200_000 }, () => r.normal());
  assertStandardNormal(v, 1, "secureRandom().normal()");
});

Deno.test("secure noise has the std asked for, and the check catches a wrong scale", () => {
  const r = secureRandom();
  const v = new Float64Array(200_000);
  r.addNormalNoise(v, 3);
  assertStandardNormal(v, 3, "addNormalNoise(std 3)");
  // The same check rejects the scales a wrong divisor would give (sum of 4 divided by 4 or by
  // sqrt(2) instead of 2, or not divided): std 1.5, 4.24 and 6 instead of 3. Any of the checks
  // may be the one that fires (a wider sample's mean also strays past 5 standard errors of N(0, 1)
  // about 1% of the time at std 6), so each is an accepted refusal.
  for (const wrong of [0.5, Math.SQRT2, 2]) {
    assert.throws(
      () => assertStandardNormal(v.map((x) => x * wrong), 3, "scaled"),
      /mean|variance|E\[z\^4\]|P\(|KS/,
      `a std ${3 * wrong} passed as 3`,
    );
  }
  // And a check of the same size on a 5% scale error.
  assert.throws(() => assertStandardNormal(v.map((x) => x * 1.05), 3, "5% off"), /variance/);
});

Deno.test("the Gaussian mechanism defaults to secret noise with the calibrated std", () => {
  const g = new GaussianMechanism({ sensitivity: 1, noiseMultiplier: 1.1 });
  const v = new Float64Array(100_000);
  g.randomiseInPlace(v);
  assertStandardNormal(v, 1.1, "GaussianMechanism default");
});

Deno.test("Poisson sampling from the secure source has the binomial count and no fixed pattern", () => {
  const r = secureRandom();
  const n = 100_000, q = 0.05;
  const a = poissonSample(n, q, r), b = poissonSample(n, q, r);
  const sd = Math.sqrt(n * q * (1 - q));
  assert.ok(Math.abs(a.length - n * q) < 5 * sd, `${a.length} of ${n} at q ${q}`);
  assert.notDeepEqual(a, b);
});

Deno.test("the training noise source is secret unless seeded noise is asked for", () => {
  const secret = dpNoiseRandom({ seededNoise: false, seed: "1" });
  assert.equal(secret.secure, true);
  assert.equal(noiseSourceOf(secret), "crypto");
  const seeded = dpNoiseRandom({ seededNoise: true, seed: "1" });
  assert.equal(seeded.secure, false);
  assert.equal(noiseSourceOf(seeded), "seeded");
  assert.equal(seeded.normal(), seededRandom("1/dp-sgd").normal(), "replayable from the seed");
});
