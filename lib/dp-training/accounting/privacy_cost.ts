/**
 * What a release costs in privacy, in the form the {@linkcode BudgetAccountant} composes: an
 * approximate-DP guarantee `(epsilon, delta)` when one is known, an RDP curve when one is known,
 * or both.
 *
 * @module
 */
import { subsampledGaussianRdp } from "./rdp.ts";
import { type PldPair, subsampledGaussianPair } from "./pld_pair.ts";

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
  /** The (pessimistic) privacy loss distributions of the release on the grid `interval`. */
  pld?(interval: number): PldPair;
  /**
   * When the release is DP-SGD steps: their parameters, so that the PLD accountant composes
   * runs of steps with the same sampling rate and noise as one self-composition.
   */
  readonly subsampledGaussian?: { sampleRate: number; noiseMultiplier: number; steps: number };
}

/**
 * The cost of `steps` steps of DP-SGD: the Poisson-subsampled Gaussian mechanism with sampling
 * rate `sampleRate` and noise multiplier `noiseMultiplier`, as an RDP curve and as a PLD pair
 * (`sampleRate` 1 and `steps` 1 is the Gaussian mechanism of L2 sensitivity 1).
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
    pld: (interval) => subsampledGaussianPair({ ...p, interval }),
    subsampledGaussian: {
      sampleRate: p.sampleRate,
      noiseMultiplier: p.noiseMultiplier,
      steps: p.steps,
    },
  };
}
