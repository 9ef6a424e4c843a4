/**
 * What a release costs in privacy, in the form the {@linkcode BudgetAccountant} composes: an
 * approximate-DP guarantee `(epsilon, delta)` when one is known, an RDP curve when one is known,
 * or both.
 *
 * @module
 */
import { subsampledGaussianRdp } from "./rdp.ts";

/** The privacy cost of one release (or one phase of releases). */
export interface PrivacyCost {
  /** What was released, for the ledger ("dp-sgd: initial training", "feature means", ...). */
  readonly label: string;
  /** Approximate-DP epsilon of the release on its own, when known. */
  readonly epsilon?: number;
  /** Approximate-DP delta that goes with {@linkcode PrivacyCost.epsilon}. */
  readonly delta?: number;
  /** The RDP curve of the release at the given orders, when known. */
  rdp?(orders: readonly number[]): Float64Array;
}

/**
 * The cost of `steps` steps of DP-SGD: the Poisson-subsampled Gaussian mechanism with sampling
 * rate `sampleRate` and noise multiplier `noiseMultiplier`, composed in RDP.
 *
 * @example
 * ```ts
 * import { subsampledGaussianCost } from "./privacy_cost.ts";
 * const cost = subsampledGaussianCost({ label: "initial training", sampleRate: 0.05,
 *   noiseMultiplier: 1.1, steps: 600 });
 * ```
 */
export function subsampledGaussianCost(
  p: { label: string; sampleRate: number; noiseMultiplier: number; steps: number },
): PrivacyCost {
  if (!(p.noiseMultiplier > 0)) {
    throw new RangeError(`expected a noise multiplier > 0, received ${p.noiseMultiplier}`);
  }
  return {
    label: p.label,
    rdp: (orders) => subsampledGaussianRdp(p.sampleRate, p.noiseMultiplier, p.steps, orders),
  };
}
