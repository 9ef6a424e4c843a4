import assert from "node:assert/strict";
import {
  BudgetAccountant,
  BudgetExceededError,
  calibrateNoiseMultiplier,
  composePairs,
  dpSgdEpsilon,
  dpSgdEpsilonPld,
  gaussianDelta,
  GaussianMechanism,
  LaplaceMechanism,
  pairEpsilon,
  pureDpPair,
  subsampledGaussianCost,
  subsampledGaussianPair,
} from "../../../lib/dp-training/mod.ts";

const H = 2 ** -12;

Deno.test("pure-DP pair: one release is exactly epsilon-DP; composed, below basic composition", () => {
  for (const eps of [0.1, 0.5, 1]) {
    // Randomized response: delta(e) = p (1 - e^{e - eps}) below eps (p = 1 / (1 + e^-eps)), so
    // its exact epsilon at delta is eps + log(1 - delta / p); the grid rounds eps up by < H.
    const one = pairEpsilon(pureDpPair(eps, H), 1e-6).epsilon;
    const exactOne = eps + Math.log1p(-1e-6 * (1 + Math.exp(-eps)));
    assert.ok(one >= exactOne - 1e-12 && one <= eps + H, `${eps}: ${one} vs ${exactOne}`);
    const ten = pairEpsilon(composePairs(Array(10).fill(pureDpPair(eps, H))), 1e-6).epsilon;
    assert.ok(ten <= 10 * (eps + H) && ten >= eps, `10 x ${eps}: ${ten}`);
    // The exact delta of k-fold randomized response at e = 0: P(Binomial(k, p) > k/2) minus the
    // matching e^0 term; for k = 10 at e slightly below 10 eps only the all-+eps outcome remains.
    const k = 10, p = 1 / (1 + Math.exp(-eps)), e = 10 * eps - 2 * eps;
    const exact = p ** k * (1 - Math.exp(e - k * eps));
    const d = composePairs(Array(k).fill(pureDpPair(eps, H))).remove.getDelta(e);
    assert.ok(d >= exact * (1 - 1e-9), `delta ${d} below the exact ${exact}`);
  }
});

Deno.test("heterogeneous phases: convolving their PLDs equals composing all steps at once", () => {
  const q = 0.05, s = 1.3, phases = [300, 40, 40, 40, 50, 50, 50, 50];
  const total = phases.reduce((a, b) => a + b);
  const pieces = composePairs(
    phases.map((steps) =>
      subsampledGaussianPair({ sampleRate: q, noiseMultiplier: s, steps, interval: H })
    ),
  );
  const once = subsampledGaussianPair({
    sampleRate: q,
    noiseMultiplier: s,
    steps: total,
    interval: H,
  });
  for (const delta of [1e-5, 1e-7]) {
    const a = pairEpsilon(pieces, delta).epsilon, b = pairEpsilon(once, delta).epsilon;
    assert.ok(Math.abs(a - b) < 1e-6, `delta ${delta}: pieces ${a} vs at once ${b}`);
  }
  // Phases of different noise compose too: between the all-low and all-high noise figures.
  const mixed = pairEpsilon(
    composePairs([
      subsampledGaussianPair({ sampleRate: q, noiseMultiplier: 1.1, steps: 200, interval: H }),
      subsampledGaussianPair({ sampleRate: q, noiseMultiplier: 2, steps: 200, interval: H }),
    ]),
    1e-5,
  ).epsilon;
  const at = (z: number) =>
    pairEpsilon(
      subsampledGaussianPair({ sampleRate: q, noiseMultiplier: z, steps: 400, interval: H }),
      1e-5,
    ).epsilon;
  assert.ok(at(2) < mixed && mixed < at(1.1), `${at(2)} < ${mixed} < ${at(1.1)}`);
});

Deno.test("budget accountant, PLD: the ledger's total is the PLD figure and below RDP's", () => {
  const q = 64 / 1297, sigma = 2.6, phases = [611, 88, 88, 88, 102, 102, 102, 102];
  const total = phases.reduce((a, b) => a + b);
  const pld = new BudgetAccountant({ epsilon: 3, delta: 1e-5, accountant: "pld", pldInterval: H });
  const rdp = new BudgetAccountant({ epsilon: Infinity, delta: 1e-5 });
  phases.forEach((steps, i) => {
    const cost = subsampledGaussianCost({
      label: `phase ${i}`,
      sampleRate: q,
      noiseMultiplier: sigma,
      steps,
    });
    pld.spend(cost);
    rdp.spend(cost);
  });
  const expected = dpSgdEpsilonPld({
    noiseMultiplier: sigma,
    sampleRate: q,
    steps: total,
    delta: 1e-5,
    interval: H,
  });
  assert.ok(Math.abs(pld.total().epsilon - expected.epsilon) < 1e-6);
  assert.ok(pld.total().epsilon < rdp.total().epsilon - 0.1);
  const ledger = pld.ledger();
  assert.equal(ledger.length, phases.length);
  assert.equal(ledger.at(-1)!.totalEpsilon, pld.total().epsilon);
  for (let i = 1; i < ledger.length; i++) {
    assert.ok(ledger[i].totalEpsilon > ledger[i - 1].totalEpsilon);
  }
  // Still refuses to overspend, and records nothing when it does.
  const big = subsampledGaussianCost({
    label: "too much",
    sampleRate: q,
    noiseMultiplier: sigma,
    steps: 5000,
  });
  assert.throws(() => pld.spend(big), BudgetExceededError);
  assert.equal(pld.ledger().length, phases.length);
});

Deno.test("budget accountant, PLD: Gaussian and Laplace releases compose with DP-SGD", () => {
  const budget = new BudgetAccountant({
    epsilon: 10,
    delta: 1e-5,
    accountant: "pld",
    pldInterval: H,
  });
  const g = new GaussianMechanism({ sensitivity: 2, noiseMultiplier: 5 });
  const alone = budget.wouldSpend(g.cost("histogram"));
  // A Gaussian release on its own: the analytic Gaussian's epsilon at noise multiplier 5.
  assert.ok(gaussianDelta(5, alone) <= 1e-5 * (1 + 1e-6) && gaussianDelta(5, alone - 2 * H) > 1e-5);
  budget.spend(g.cost("histogram"));
  budget.spend(new LaplaceMechanism({ sensitivity: 1, epsilon: 0.2 }).cost("count"));
  const after = budget.spend(
    subsampledGaussianCost({ label: "dp-sgd", sampleRate: 0.05, noiseMultiplier: 1.5, steps: 300 }),
  );
  const sgdAlone = dpSgdEpsilonPld({
    noiseMultiplier: 1.5,
    sampleRate: 0.05,
    steps: 300,
    delta: 1e-5,
    interval: H,
  }).epsilon;
  assert.ok(after.totalEpsilon > sgdAlone && after.totalEpsilon < sgdAlone + alone + 0.2);
  assert.throws(
    () => new BudgetAccountant({ epsilon: 1, delta: 1e-5, accountant: "x" as "pld" }),
    /pld or rdp/,
  );
});

Deno.test("calibration with PLD over phases and a prior release: meets the target, tightly", () => {
  const q = 64 / 455, phases = [214, 29, 29, 29, 32, 32, 32, 32];
  const steps = phases.reduce((a, b) => a + b);
  const base = { targetEpsilon: 3, delta: 1e-5, sampleRate: q, steps, phaseSteps: phases };
  const rdp = calibrateNoiseMultiplier(base);
  const pld = calibrateNoiseMultiplier({ ...base, accountant: "pld" });
  assert.ok(
    pld.noiseMultiplier < rdp.noiseMultiplier * 0.97,
    `${pld.noiseMultiplier} vs ${rdp.noiseMultiplier}`,
  );
  assert.ok(pld.epsilon <= 3 && pld.pldInterval! > 0);
  const budget = (sigma: number, prior = false) => {
    const b = new BudgetAccountant({
      epsilon: Infinity,
      delta: 1e-5,
      accountant: "pld",
      pldInterval: pld.pldInterval,
    });
    if (prior) {
      b.spend(new GaussianMechanism({ sensitivity: 1, noiseMultiplier: 20 }).cost("bounds"));
    }
    phases.forEach((s) =>
      b.spend(
        subsampledGaussianCost({ label: "p", sampleRate: q, noiseMultiplier: sigma, steps: s }),
      )
    );
    return b.total().epsilon;
  };
  assert.equal(budget(pld.noiseMultiplier), pld.epsilon); // the ledger shows the calibrated figure
  assert.ok(budget(pld.noiseMultiplier * (1 - 1e-3)) > 3, "a smaller sigma still meets 3");
  // A prior release takes part of the budget: more noise is needed, and the total still meets 3.
  const prior = [new GaussianMechanism({ sensitivity: 1, noiseMultiplier: 20 }).cost("bounds")];
  const withPrior = calibrateNoiseMultiplier({ ...base, accountant: "pld", prior });
  assert.ok(withPrior.noiseMultiplier > pld.noiseMultiplier);
  assert.ok(budget(withPrior.noiseMultiplier, true) <= 3);
  const rdpWithPrior = calibrateNoiseMultiplier({ ...base, prior });
  assert.ok(rdpWithPrior.noiseMultiplier > rdp.noiseMultiplier);
  assert.ok(dpSgdEpsilon({ ...base, noiseMultiplier: rdpWithPrior.noiseMultiplier }).epsilon < 3);
  assert.throws(() => calibrateNoiseMultiplier({ ...base, phaseSteps: [1, 2] }), /adding up to/);
});
