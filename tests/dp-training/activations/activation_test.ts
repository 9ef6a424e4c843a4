import assert from "node:assert/strict";
import {
  ACTIVATION_NAMES,
  ACTIVATIONS,
  fitMoments,
  leastSquaresFit,
  momentsMse,
  normalDistribution,
  polynomialMse,
  pow2Fit,
  quantizedActivation,
} from "../../../lib/dp-training/mod.ts";

const N01 = normalDistribution();

Deno.test("least squares of ReLU under N(0, 1) has the closed form (1/sqrt(8 pi), 1/2, 1/sqrt(8 pi))", () => {
  const c = leastSquaresFit(ACTIVATIONS.relu, 2, N01).coefficients;
  const k = 1 / Math.sqrt(8 * Math.PI);
  [k, 0.5, k].forEach((v, i) => assert.ok(Math.abs(c[i] - v) < 1e-7, `c${i} = ${c[i]}`));
});

Deno.test("the power-of-two search is exact: it matches brute force and every coefficient is 0 or +-2^k", () => {
  const range = { minExponent: -4, maxExponent: 1 };
  const values = [0];
  for (let e = -4; e <= 1; e++) values.push(2 ** e, -(2 ** e));
  for (const name of ACTIVATION_NAMES) {
    const f = ACTIVATIONS[name];
    const fit = pow2Fit(f, 2, N01, range);
    const m = fitMoments(f, 2, N01);
    let best = Infinity;
    for (const a of values) {
      for (const b of values) {
        for (const c of values) best = Math.min(best, momentsMse(m, [a, b, c]));
      }
    }
    assert.ok(Math.abs(polynomialMse(f, fit.coefficients, N01) - fit.mse) < 1e-12);
    assert.ok(Math.abs(fit.mse - best) < 1e-12, `${name}: ${fit.mse} vs brute force ${best}`);
    for (const c of fit.coefficients) {
      assert.ok(c === 0 || Number.isInteger(Math.log2(Math.abs(c))), `${name}: ${c}`);
    }
    const ls = leastSquaresFit(f, 2, N01);
    assert.ok(ls.mse <= fit.mse + 1e-15, `${name}: least squares must not be worse`);
  }
});

Deno.test("the paper's ReLU-AQ 0.125x^2 + 0.5x + 0.25 is the optimum under N(0, 2^2)", () => {
  assert.deepEqual(pow2Fit(ACTIVATIONS.relu, 2, normalDistribution(0, 2)).coefficients, [
    0.25,
    0.5,
    0.125,
  ]);
  assert.deepEqual(quantizedActivation("relu").coefficients, [0.125, 0.5, 0.25]);
  assert.deepEqual(quantizedActivation("square").coefficients, [0, 0, 1]);
  assert.throws(() => pow2Fit(ACTIVATIONS.relu, 9, N01), /degree in 1\.\.8, received 9/);
});
