/**
 * The Gaussian sampler of the default (secret-noise) mode, hardened against floating-point
 * attacks on DP noise the way Holohan and Braghin (2021, "Secure Random Sampling in Differential
 * Privacy") propose and Opacus' `secure_mode` does: each noise value is the sum of `2n = 4`
 * independent standard normal variates (Box-Muller over uniforms from a CSPRNG) divided by
 * `sqrt(4) = 2`.
 *
 * Why it helps: a single Box-Muller (or polar) output `mu + sigma z` in floating point can only
 * take values on a sparse, mu-dependent set, so from the low-order bits of a released value an
 * attacker can tell `mu` from `mu + 1` (Mironov 2012 for Laplace, Jin et al. 2022 for Gaussian
 * samplers). A sum of several samples has no such gaps: every float in the neighbourhood is
 * reachable by many combinations, whichever the mean. Why the accounting is unchanged: the sum
 * of 4 independent N(0, 1) divided by 2 is exactly N(0, 1) over the reals, so the mechanism the
 * RDP accountant analyses (and its noise std) is the same; dividing by 2 is exact in binary
 * floating point.
 *
 * @module
 */

/** Standard normal variates summed per noise value (`2n` with `n = 2`, as in Opacus). */
export const SECURE_GAUSSIAN_TERMS = 4;

/**
 * A standard normal variate made of {@linkcode SECURE_GAUSSIAN_TERMS} independent ones from
 * `normal`, summed and divided by `sqrt(SECURE_GAUSSIAN_TERMS) = 2`.
 *
 * @example
 * ```ts
 * import { summedGaussian } from "./secure_gaussian.ts";
 * import { seededRandom } from "./random.ts";
 * const r = seededRandom(1);
 * const z = summedGaussian(() => r.normal()); // ~ N(0, 1)
 * ```
 */
export function summedGaussian(normal: () => number): number {
  let s = 0;
  for (let i = 0; i < SECURE_GAUSSIAN_TERMS; i++) s += normal();
  return s / 2;
}
