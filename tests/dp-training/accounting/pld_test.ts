import assert from "node:assert/strict";
import {
  convolve,
  defaultPldInterval,
  dpSgdEpsilon,
  dpSgdEpsilonPld,
  fft,
  gaussianDelta,
  normalCdf,
  PrivacyLossDistribution,
  subsampledGaussianPld,
} from "../../../lib/dp-training/mod.ts";

/** The exact epsilon of the Gaussian mechanism (sensitivity 1) at delta (Balle and Wang 2018). */
function analyticEpsilon(sigma: number, delta: number): number {
  let lo = 0, hi = 1;
  while (gaussianDelta(sigma, hi) > delta) hi *= 2;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (gaussianDelta(sigma, mid) > delta) lo = mid;
    else hi = mid;
  }
  return hi;
}

Deno.test("fft: matches the direct DFT and convolve matches the direct sum", () => {
  const n = 16, re = new Float64Array(n), im = new Float64Array(n);
  for (let j = 0; j < n; j++) [re[j], im[j]] = [Math.sin(j * 1.3), Math.cos(j * 0.7)];
  const [r0, i0] = [re.slice(), im.slice()];
  fft(re, im);
  for (let k = 0; k < n; k++) {
    let sr = 0, si = 0;
    for (let j = 0; j < n; j++) {
      const t = (-2 * Math.PI * j * k) / n;
      sr += r0[j] * Math.cos(t) - i0[j] * Math.sin(t);
      si += r0[j] * Math.sin(t) + i0[j] * Math.cos(t);
    }
    assert.ok(Math.abs(sr - re[k]) < 1e-12 && Math.abs(si - im[k]) < 1e-12);
  }
  fft(re, im, true);
  for (let j = 0; j < n; j++) assert.ok(Math.abs(re[j] - r0[j]) < 1e-12);
  const a = Float64Array.from({ length: 37 }, (_, j) => Math.sin(j)),
    b = Float64Array.from({ length: 20 }, (_, j) => Math.cos(j));
  const c = convolve(a, b);
  assert.equal(c.length, 56);
  for (let k = 0; k < c.length; k++) {
    let s = 0;
    for (let j = 0; j < a.length; j++) if (k - j >= 0 && k - j < b.length) s += a[j] * b[k - j];
    assert.ok(Math.abs(s - c[k]) < 1e-12, `${k}: ${s} vs ${c[k]}`);
  }
  assert.throws(() => fft(new Float64Array(3), new Float64Array(3)), RangeError);
});

Deno.test("PLD, q = 1: the analytic Gaussian's exact epsilon, never below, within k h", () => {
  const h = 1e-3;
  for (const [sigma, steps] of [[1, 1], [2, 1], [0.8, 1], [1, 10], [3, 16], [5, 50]]) {
    for (const delta of [1e-5, 1e-6]) {
      const exact = analyticEpsilon(sigma / Math.sqrt(steps), delta);
      const r = dpSgdEpsilonPld({
        noiseMultiplier: sigma,
        sampleRate: 1,
        steps,
        delta,
        interval: h,
      });
      const at =
        `sigma ${sigma}, ${steps} steps, delta ${delta}: PLD ${r.epsilon} vs exact ${exact}`;
      assert.ok(r.epsilon >= exact - 1e-9, `below the exact epsilon: ${at}`);
      assert.ok(r.epsilon <= exact + steps * h, `beyond the stated slack: ${at}`);
      // In practice the connect-the-dots rounding is far tighter than the stated slack.
      assert.ok(r.epsilon <= exact + 1e-4, at);
    }
  }
});

Deno.test("PLD, one step: delta(eps) is never below the true curve and exact on the grid", () => {
  const h = 1e-2, sigma = 1.5;
  const pld = subsampledGaussianPld({
    sampleRate: 1,
    noiseMultiplier: sigma,
    direction: "remove",
    interval: h,
  });
  for (let eps = 0; eps < 3; eps += h / 3) {
    const d = pld.getDelta(eps), exact = gaussianDelta(sigma, eps);
    assert.ok(d >= exact - 1e-12, `eps ${eps}: ${d} < ${exact}`);
    const onGrid = Math.abs(eps / h - Math.round(eps / h)) < 1e-9;
    if (onGrid) assert.ok(Math.abs(d - exact) < 1e-10, `eps ${eps}: ${d} vs ${exact}`);
  }
});

/** Epsilon at any delta of `steps` composed steps at grid step `interval` (both directions). */
function pldCurve(
  p: { noiseMultiplier: number; sampleRate: number; steps: number },
  interval: number,
): (delta: number) => number {
  const composed = (["remove", "add"] as const).map((direction) =>
    subsampledGaussianPld({ ...p, direction, interval }).selfCompose(p.steps)
  );
  return (delta) => Math.max(...composed.map((d) => d.getEpsilon(delta)));
}

/**
 * The true one-step delta(eps) of the subsampled Gaussian, by a Riemann sum of
 * `(p(x) - e^eps q(x))_+` (independent of the closed forms the library uses).
 */
function integratedDelta(q: number, sigma: number, direction: "remove" | "add", eps: number) {
  const pdf = (x: number, m: number) =>
    Math.exp(-((x - m) ** 2) / (2 * sigma * sigma)) / (sigma * Math.sqrt(2 * Math.PI));
  const dx = sigma / 2000;
  let d = 0;
  for (let x = -12 * sigma; x < 1 + 12 * sigma; x += dx) {
    const mix = (1 - q) * pdf(x, 0) + q * pdf(x, 1), base = pdf(x, 0);
    const [p, r] = direction === "remove" ? [mix, base] : [base, mix];
    d += Math.max(0, p - Math.exp(eps) * r) * dx;
  }
  return d;
}

Deno.test("PLD, one subsampled step, both directions: delta(eps) above the true curve, tight", () => {
  const h = 1e-2;
  for (const [q, sigma] of [[0.1, 1], [0.3, 0.7]]) {
    for (const direction of ["remove", "add"] as const) {
      const pld = subsampledGaussianPld({
        sampleRate: q,
        noiseMultiplier: sigma,
        direction,
        interval: h,
      });
      for (const eps of [0, 0.005, 0.05, 0.1, 0.2, 0.33, 0.5, 1]) {
        const d = pld.getDelta(eps), exact = integratedDelta(q, sigma, direction, eps);
        const at = `q ${q}, sigma ${sigma}, ${direction}, eps ${eps}: ${d} vs ${exact}`;
        assert.ok(d >= exact - 1e-7, at); // 1e-7: the Riemann sum's own error at the kink
        assert.ok(d <= exact + 2e-3 * Math.max(exact, 1e-3), at);
      }
    }
  }
});

for (const sigma of [0.8, 1.1, 2]) {
  Deno.test(`PLD <= RDP (tight) and fine <= coarse, sigma ${sigma}`, () => {
    for (const q of [0.01, 0.05, 0.25]) {
      for (const steps of [100, 1000]) {
        const base = { noiseMultiplier: sigma, sampleRate: q, steps };
        // The default grid, and one 4 times coarser (nested, so refinement must not raise eps).
        const fine = defaultPldInterval(base);
        const [pldAt, coarseAt] = [pldCurve(base, fine), pldCurve(base, 4 * fine)];
        for (const delta of [1e-5, 1e-6]) {
          const at = `sigma ${sigma}, q ${q}, ${steps} steps, delta ${delta}`;
          const pld = pldAt(delta), coarse = coarseAt(delta);
          const rdp = dpSgdEpsilon({ ...base, delta, conversion: "tight" }).epsilon;
          assert.ok(pld <= rdp, `PLD ${pld} > RDP ${rdp}: ${at}`);
          assert.ok(pld <= coarse, `fine ${pld} > coarse ${coarse}: ${at}`);
          assert.ok(pld > 0.5 * rdp, `PLD ${pld} implausibly below RDP ${rdp}: ${at}`);
        }
      }
    }
  });
}

/**
 * An independent bracket of the true epsilon: the loss evaluated directly on fine x-cells, each
 * cell's P-mass put at the grid point below its lowest loss (optimistic) or above its highest
 * (pessimistic, with the mass beyond the cells at infinity), both composed.
 */
function bracket(
  q: number,
  s: number,
  steps: number,
  delta: number,
  h: number,
  n = 100000,
): [number, number] {
  const result = [0, 0];
  for (const remove of [true, false]) {
    const loss = (x: number) =>
      (remove ? 1 : -1) * Math.log(1 - q + q * Math.exp((2 * x - 1) / (2 * s * s)));
    const mass = (a: number, b: number) =>
      remove
        ? (1 - q) * (normalCdf(b / s) - normalCdf(a / s)) +
          q * (normalCdf((b - 1) / s) - normalCdf((a - 1) / s))
        : normalCdf(b / s) - normalCdf(a / s);
    const lo = -9 * s, hi = 1 + 9 * s, dx = (hi - lo) / n;
    const top = Math.ceil(Math.max(loss(lo), loss(hi)) / h) + 1;
    const bottom = Math.floor(Math.min(loss(lo), loss(hi)) / h) - 1;
    const up = new Float64Array(top - bottom + 1), down = new Float64Array(top - bottom + 1);
    for (let i = 0; i < n; i++) {
      const a = lo + i * dx, la = loss(a), lb = loss(a + dx), m = mass(a, a + dx);
      up[Math.ceil(Math.max(la, lb) / h) - bottom] += m;
      down[Math.floor(Math.min(la, lb) / h) - bottom] += m;
    }
    const pld = (probabilities: Float64Array, infinityMass: number) =>
      new PrivacyLossDistribution({ interval: h, offset: bottom, probabilities, infinityMass })
        .selfCompose(steps).getEpsilon(delta);
    result[0] = Math.max(result[0], pld(down, 0));
    result[1] = Math.max(result[1], pld(up, 1 - mass(lo, hi)));
  }
  return result as [number, number];
}

Deno.test("PLD lies inside an independent round-down / round-up bracket (sigma 1.1, q 0.01)", () => {
  const p = { noiseMultiplier: 1.1, sampleRate: 0.01, steps: 100, delta: 1e-5 };
  const [low, high] = bracket(p.sampleRate, p.noiseMultiplier, p.steps, p.delta, 5e-4);
  const pld = dpSgdEpsilonPld(p).epsilon;
  assert.ok(low <= pld && pld <= high, `${pld} outside [${low}, ${high}]`);
  assert.ok(high - low < 0.06, `bracket [${low}, ${high}]`);
});

Deno.test("PLD on the TF Privacy anchor (q 256/60000, sigma 1.12, 60 epochs): below RDP's 2.52", () => {
  const p = { noiseMultiplier: 1.12, sampleRate: 256 / 60000, steps: 14063, delta: 1e-5 };
  const rdp = dpSgdEpsilon({ ...p, conversion: "tight" }).epsilon;
  const pld = dpSgdEpsilonPld(p);
  console.log(`anchor: PLD ${pld.epsilon.toFixed(4)} (h ${pld.interval}) vs RDP ${rdp.toFixed(4)}`);
  assert.ok(Math.abs(rdp - 2.52) < 0.01, `RDP ${rdp}`);
  assert.ok(pld.epsilon < rdp && pld.epsilon > 0.8 * rdp, `PLD ${pld.epsilon} vs RDP ${rdp}`);
  assert.ok(pld.remove >= pld.add);
});

Deno.test("PLD is at least an optimistic (round-down) coarser discretisation, on a grid", () => {
  // Rounding every loss DOWN (on a grid 4 times coarser, mass beyond the cells dropped) can only
  // lower delta(eps) after any number of compositions: a lower bound of the true epsilon. The
  // accountant's figure must lie above it. (Its tightness is the bracket test's job: rounding
  // down by up to 4h per step drifts by up to steps * 4h, so this bound is loose.)
  for (const sigma of [0.8, 2]) {
    for (const q of [0.01, 0.25]) {
      for (const steps of [100, 1000]) {
        const base = { noiseMultiplier: sigma, sampleRate: q, steps };
        const coarse = 4 * defaultPldInterval(base);
        for (const delta of [1e-5, 1e-6]) {
          const at = `sigma ${sigma}, q ${q}, ${steps} steps, delta ${delta}`;
          const pld = dpSgdEpsilonPld({ ...base, delta }).epsilon;
          const [low] = bracket(q, sigma, steps, delta, coarse, 20000);
          assert.ok(low <= pld, `optimistic ${low} > PLD ${pld}: ${at}`);
          assert.ok(low > 0.5 * pld, `optimistic ${low} implausibly low: ${at}`);
        }
      }
    }
  }
});
