import assert from "node:assert/strict";
import {
  analyticGaussianSigma,
  BudgetAccountant,
  BudgetExceededError,
  gaussianDelta,
  GaussianMechanism,
  LaplaceMechanism,
  seededRandom,
  subsampledGaussianCost,
} from "../../../lib/dp-training/mod.ts";

Deno.test("mechanisms validate their arguments with clear messages", () => {
  const bad: [() => unknown, RegExp][] = [
    [
      () => new GaussianMechanism({ sensitivity: 1, epsilon: 0, delta: 1e-5 }),
      /epsilon > 0, received 0/,
    ],
    [() => new GaussianMechanism({ sensitivity: 1, epsilon: -1, delta: 1e-5 }), /epsilon > 0/],
    [
      () => new GaussianMechanism({ sensitivity: 1, epsilon: 1, delta: 0 }),
      /delta in \(0, 1\), received 0/,
    ],
    [
      () => new GaussianMechanism({ sensitivity: 1, epsilon: 1, delta: 1 }),
      /delta in \(0, 1\), received 1/,
    ],
    [
      () => new GaussianMechanism({ sensitivity: -1, epsilon: 1, delta: 1e-5 }),
      /sensitivity >= 0, received -1/,
    ],
    [() => new GaussianMechanism({ sensitivity: 1, noiseMultiplier: 0 }), /noise multiplier > 0/],
    [() => new LaplaceMechanism({ sensitivity: 1, epsilon: Infinity }), /finite epsilon > 0/],
    [
      () => new LaplaceMechanism({ sensitivity: NaN, epsilon: 1 }),
      /sensitivity >= 0, received NaN/,
    ],
  ];
  for (const [f, msg] of bad) {
    assert.throws(f, (e: unknown) => e instanceof RangeError && msg.test(e.message));
  }
});

Deno.test("the analytic Gaussian is exactly (eps, delta)-DP and beats the classic calibration", () => {
  for (const [eps, delta] of [[0.5, 1e-5], [1, 1e-6], [3, 1e-5], [8, 1e-3]]) {
    const s = analyticGaussianSigma(eps, delta);
    assert.ok(gaussianDelta(s, eps) <= delta * (1 + 1e-9));
    assert.ok(gaussianDelta(s * 0.999, eps) > delta, "not the smallest sigma");
    if (eps < 1) assert.ok(s < Math.sqrt(2 * Math.log(1.25 / delta)) / eps);
  }
});

Deno.test("noise has the calibrated scale", () => {
  const g = new GaussianMechanism({
    sensitivity: 2,
    epsilon: 1,
    delta: 1e-5,
    random: seededRandom(7),
  });
  const n = 40_000;
  const v = new Float64Array(n);
  g.randomiseInPlace(v);
  const sd = Math.sqrt(v.reduce((s, x) => s + x * x, 0) / n);
  assert.ok(Math.abs(sd / g.std - 1) < 0.03, `${sd} vs ${g.std}`);
  const l = new LaplaceMechanism({ sensitivity: 1, epsilon: 0.5, random: seededRandom(7) });
  let mad = 0;
  for (let i = 0; i < n; i++) mad += Math.abs(l.randomise(0));
  assert.ok(Math.abs(mad / n / l.scale - 1) < 0.03, `${mad / n} vs ${l.scale}`);
});

Deno.test("the budget accountant refuses to spend past its budget", () => {
  const budget = new BudgetAccountant({ epsilon: 2, delta: 1e-5 });
  budget.spend(new LaplaceMechanism({ sensitivity: 1, epsilon: 1 }).cost("count 1"));
  budget.spend(new LaplaceMechanism({ sensitivity: 1, epsilon: 1 }).cost("count 2"));
  assert.ok(budget.total().epsilon <= 2 + 1e-12);
  assert.throws(
    () => budget.spend(new LaplaceMechanism({ sensitivity: 1, epsilon: 0.5 }).cost("count 3")),
    (e: unknown) =>
      e instanceof BudgetExceededError && /spending "count 3" would bring/.test(e.message) &&
      /past the budget of epsilon 2/.test(e.message),
  );
  assert.equal(budget.ledger().length, 2, "a refused spend must not be recorded");
});

Deno.test("DP-SGD phases compose in RDP: spending in pieces equals spending at once", () => {
  const p = { sampleRate: 0.05, noiseMultiplier: 1.2 };
  const pieces = new BudgetAccountant({ epsilon: 10, delta: 1e-5 });
  for (const steps of [400, 100, 100, 200]) {
    pieces.spend(subsampledGaussianCost({ ...p, label: `${steps}`, steps }));
  }
  const once = new BudgetAccountant({ epsilon: 10, delta: 1e-5 });
  once.spend(subsampledGaussianCost({ ...p, label: "all", steps: 800 }));
  assert.ok(Math.abs(pieces.total().epsilon - once.total().epsilon) < 1e-9);
  const sum = pieces.ledger().reduce((s, e) => s + e.epsilon, 0);
  assert.ok(pieces.total().epsilon < sum, "RDP composition must beat adding epsilons");
  assert.ok(once.total().epsilon < 10);
});

Deno.test("Gaussian releases compose with DP-SGD in one budget", () => {
  const budget = new BudgetAccountant({ epsilon: 3, delta: 1e-5 });
  const g = new GaussianMechanism({ sensitivity: 1, epsilon: 0.5, delta: 1e-6 });
  budget.spend(g.cost("feature statistics"));
  const before = budget.total().epsilon;
  assert.ok(before <= 0.5 + 1e-9);
  budget.spend(
    subsampledGaussianCost({ label: "sgd", sampleRate: 0.05, noiseMultiplier: 3, steps: 600 }),
  );
  assert.ok(budget.total().epsilon > before && budget.total().epsilon <= 3);
  assert.throws(
    () =>
      budget.spend(
        subsampledGaussianCost({
          label: "more",
          sampleRate: 0.05,
          noiseMultiplier: 0.5,
          steps: 600,
        }),
      ),
    BudgetExceededError,
  );
});
