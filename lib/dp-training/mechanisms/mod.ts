/**
 * Differential-privacy mechanisms and their randomness: diffprivlib-style Gaussian (classic and
 * analytic calibration) and Laplace mechanisms, seeded and cryptographically secure random
 * sources, and the secure Gaussian sampler (a sum of uniforms from the CSPRNG).
 *
 * @example
 * ```ts
 * import { GaussianMechanism, seededRandom } from "./mod.ts";
 * const mech = new GaussianMechanism({ sensitivity: 1, epsilon: 1, delta: 1e-5,
 *   random: seededRandom(1) });
 * const noisy = mech.randomise(42);
 * ```
 *
 * @module
 */
export { NOISE_SOURCES, type NoiseSource } from "../../model/mod.ts";
export type { PrivacyCost } from "../accounting/mod.ts";
export * from "./random.ts";
export * from "./secure_gaussian.ts";
export * from "./gaussian_mechanism.ts";
export * from "./laplace_mechanism.ts";
export * from "./dp_bounds.ts";
