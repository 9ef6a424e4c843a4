/**
 * Privacy accounting: Rényi DP of the (Poisson-subsampled) Gaussian and Laplace mechanisms, the
 * RDP accountant of DP-SGD, tight and classic conversions to (epsilon, delta), a tighter privacy
 * loss distribution (PLD) accountant composed by FFT ({@linkcode dpSgdEpsilonPld}), noise
 * calibration, privacy costs and a budget accountant that refuses to overspend.
 *
 * @example
 * ```ts
 * import { BudgetAccountant, calibrateNoiseMultiplier, dpSgdEpsilon, subsampledGaussianCost } from "./mod.ts";
 * // The TF Privacy tutorial: sigma 1.1, batch 256 of 60,000, 60 epochs.
 * const { epsilon } = dpSgdEpsilon({ noiseMultiplier: 1.1, sampleRate: 256 / 60000,
 *   steps: 14063, delta: 1e-5, conversion: "classic" }); // about 3.01
 * const { noiseMultiplier } = calibrateNoiseMultiplier({ targetEpsilon: 3, delta: 1e-5,
 *   sampleRate: 64 / 1297, steps: 1200 });
 * const budget = new BudgetAccountant({ epsilon: 3, delta: 1e-5 });
 * budget.spend(subsampledGaussianCost({ label: "training", noiseMultiplier,
 *   sampleRate: 64 / 1297, steps: 1200 }));
 * ```
 *
 * @module
 */
export * from "./rdp.ts";
export * from "./conversion.ts";
export * from "./rdp_accountant.ts";
export * from "./fft.ts";
export * from "./pld.ts";
export * from "./pld_pair.ts";
export * from "./compose_costs.ts";
export * from "./calibrate.ts";
export * from "./privacy_cost.ts";
export * from "./budget_accountant.ts";
