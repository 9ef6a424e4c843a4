import assert from "node:assert/strict";
import {
  calibrateNoiseMultiplier,
  CalibrationError,
  DEFAULT_ORDERS,
  dpSgdEpsilon,
  RdpAccountant,
  rdpToEpsilon,
  stepsForEpochs,
  subsampledGaussianRdp,
  subsampledGaussianRdpAt,
} from "../../../lib/dp-training/mod.ts";

const Q = 256 / 60000;
/** TF Privacy tutorial (tutorials/README.md), classic conversion, delta 1e-5, batch 256 of 60k. */
const PUBLISHED: [sigma: number, epochs: number, eps: number][] = [
  [1.12, 60, 2.92],
  [1.2, 10, 1.2],
  [0.6, 30, 9.74],
];

Deno.test("accountant matches TF Privacy's published epsilons within 2% (classic conversion)", () => {
  for (const [sigma, epochs, published] of PUBLISHED) {
    const steps = Math.ceil((epochs * 60000) / 256);
    const { epsilon } = dpSgdEpsilon({
      noiseMultiplier: sigma,
      sampleRate: Q,
      steps,
      delta: 1e-5,
      conversion: "classic",
    });
    const rel = Math.abs(epsilon - published) / published;
    assert.ok(rel < 0.02, `sigma ${sigma}, ${epochs} epochs: ${epsilon} vs ${published}`);
  }
});

Deno.test("the tight conversion gives a smaller epsilon than the classic one", () => {
  for (const [sigma, epochs] of PUBLISHED) {
    const steps = Math.ceil((epochs * 60000) / 256);
    const p = { noiseMultiplier: sigma, sampleRate: Q, steps, delta: 1e-5 };
    const tight = dpSgdEpsilon({ ...p, conversion: "tight" }).epsilon;
    const classic = dpSgdEpsilon({ ...p, conversion: "classic" }).epsilon;
    assert.ok(tight < classic, `sigma ${sigma}: tight ${tight} >= classic ${classic}`);
    assert.ok(tight > 0.7 * classic, `sigma ${sigma}: tight ${tight} implausibly small`);
  }
});

/** A_alpha = E_{z ~ N(0, s^2)} [((1 - q) + q exp((2z - 1) / (2 s^2)))^alpha] by quadrature. */
function rdpByQuadrature(q: number, sigma: number, alpha: number): number {
  const n = 200_000, lo = -30 * sigma, hi = 30 * sigma + 1, h = (hi - lo) / n;
  let sum = 0;
  for (let k = 0; k <= n; k++) {
    const z = lo + k * h;
    const w = k === 0 || k === n ? 1 : k % 2 === 1 ? 4 : 2;
    const mu0 = Math.exp(-(z * z) / (2 * sigma * sigma)) / (sigma * Math.sqrt(2 * Math.PI));
    const ratio = 1 - q + q * Math.exp((2 * z - 1) / (2 * sigma * sigma));
    sum += w * mu0 * ratio ** alpha;
  }
  return Math.log((sum * h) / 3) / (alpha - 1);
}

Deno.test("RDP of the subsampled Gaussian agrees with direct numerical integration", () => {
  for (const [q, sigma] of [[0.01, 1.1], [0.1, 2], [0.05, 0.8]]) {
    for (const alpha of [1.5, 2, 2.75, 4, 7.5, 12]) {
      const exact = subsampledGaussianRdpAt(q, sigma, alpha);
      const numeric = rdpByQuadrature(q, sigma, alpha);
      assert.ok(
        Math.abs(exact - numeric) <= 1e-6 * Math.max(1, Math.abs(numeric)) + 1e-12,
        `q ${q}, sigma ${sigma}, alpha ${alpha}: ${exact} vs ${numeric}`,
      );
    }
  }
});

Deno.test("fractional orders are continuous with the integer ones", () => {
  for (const alpha of [2, 3, 8, 16]) {
    const at = subsampledGaussianRdpAt(0.02, 1.3, alpha);
    const below = subsampledGaussianRdpAt(0.02, 1.3, alpha - 1e-7);
    const above = subsampledGaussianRdpAt(0.02, 1.3, alpha + 1e-7);
    assert.ok(Math.abs(below - at) < 1e-6 * at && Math.abs(above - at) < 1e-6 * at, `${alpha}`);
  }
});

Deno.test("without subsampling the RDP is alpha / (2 sigma^2); q = 0 costs nothing", () => {
  assert.equal(subsampledGaussianRdpAt(1, 2, 5), 5 / 8);
  assert.equal(subsampledGaussianRdpAt(0, 2, 5), 0);
  assert.equal(subsampledGaussianRdpAt(0.5, 0, 5), Infinity);
});

Deno.test("RDP composes additively over steps and phases", () => {
  const acc = new RdpAccountant();
  acc.composeSubsampledGaussian({ sampleRate: 0.05, noiseMultiplier: 1.5, steps: 300 });
  acc.composeSubsampledGaussian({ sampleRate: 0.05, noiseMultiplier: 1.5, steps: 200 });
  const once = subsampledGaussianRdp(0.05, 1.5, 500);
  acc.curve().forEach((r, k) => assert.ok(Math.abs(r - once[k]) <= 1e-12 * once[k]));
  assert.equal(acc.getEpsilon(1e-5).epsilon, rdpToEpsilon(DEFAULT_ORDERS, once, 1e-5).epsilon);
});

Deno.test("conversion and accountant reject bad arguments", () => {
  for (const d of [0, 1, -1e-5, 2, NaN]) {
    assert.throws(() => rdpToEpsilon([2], [0.1], d), /expected delta in \(0, 1\)/);
  }
  assert.throws(() => rdpToEpsilon([1], [0.1], 1e-5), /orders > 1/);
  assert.throws(() => rdpToEpsilon([2, 3], [0.1], 1e-5), /one RDP value per order/);
  assert.throws(() => subsampledGaussianRdpAt(1.5, 1, 2), /sample rate in \[0, 1\]/);
  assert.throws(() => stepsForEpochs(10, 0), /sample rate in \(0, 1\]/);
  assert.equal(stepsForEpochs(60, 256 / 60000), 14063);
});

Deno.test("calibration finds the smallest sigma that meets the target", () => {
  const p = { delta: 1e-5, sampleRate: 64 / 1297, steps: 1200 };
  for (const target of [1, 3, 8]) {
    const c = calibrateNoiseMultiplier({ ...p, targetEpsilon: target });
    assert.ok(c.epsilon <= target, `${c.epsilon} > ${target}`);
    const lower = dpSgdEpsilon({ ...p, noiseMultiplier: c.noiseMultiplier * (1 - 1e-3) });
    assert.ok(lower.epsilon > target, `a smaller sigma still meets ${target}`);
  }
});

Deno.test("calibration says clearly when no sigma reaches the target", () => {
  assert.throws(
    () =>
      calibrateNoiseMultiplier({ targetEpsilon: 0.01, delta: 1e-5, sampleRate: 0.05, steps: 1000 }),
    (e: unknown) => {
      assert.ok(e instanceof CalibrationError);
      assert.match(e.message, /no noise multiplier in \[0\.05, 500\] reaches epsilon 0\.01/);
      assert.match(e.message, /smallest reachable epsilon is/);
      assert.ok(e.reachableEpsilon > 0.01);
      return true;
    },
  );
  assert.throws(
    () => calibrateNoiseMultiplier({ targetEpsilon: 0, delta: 1e-5, sampleRate: 0.05, steps: 10 }),
    /target epsilon > 0, received 0/,
  );
});
