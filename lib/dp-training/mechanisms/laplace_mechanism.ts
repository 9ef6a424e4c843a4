/**
 * The Laplace mechanism (in the style of IBM's diffprivlib): pure epsilon-DP for a query of
 * bounded L1 sensitivity, noise scale `sensitivity / epsilon`.
 *
 * @module
 */
import { checkEpsilon, checkNonNegative } from "../../check/mod.ts";
import { laplaceRdp } from "../accounting/rdp.ts";
import { pureDpPair } from "../accounting/pld_pair.ts";
import type { PrivacyCost } from "../accounting/privacy_cost.ts";
import { type RandomSource, secureRandom } from "./random.ts";

/** Options of {@linkcode LaplaceMechanism}. */
export interface LaplaceMechanismOptions {
  /** L1 sensitivity of the released value or vector. */
  sensitivity: number;
  /** Target epsilon (> 0). */
  epsilon: number;
  /** Where the noise comes from (default: a secure generator). */
  random?: RandomSource;
}

/**
 * Adds Laplace noise calibrated to an L1 sensitivity.
 *
 * @example
 * ```ts
 * import { LaplaceMechanism } from "./laplace_mechanism.ts";
 * const mech = new LaplaceMechanism({ sensitivity: 1, epsilon: 0.5 });
 * const noisyCount = mech.randomise(1297);
 * ```
 */
export class LaplaceMechanism {
  /** L1 sensitivity. */
  readonly sensitivity: number;
  /** Epsilon of one release. */
  readonly epsilon: number;
  /** Noise scale `sensitivity / epsilon`. */
  readonly scale: number;
  private readonly random: RandomSource;

  /** @throws {RangeError} for a negative or non-finite sensitivity or epsilon <= 0. */
  /**
   * Calibrates the noise scale to `sensitivity / epsilon`.
   *
   * @throws {RangeError} for a negative or non-finite sensitivity or epsilon <= 0.
   */
  constructor(options: LaplaceMechanismOptions) {
    checkNonNegative(options.sensitivity, "sensitivity");
    checkEpsilon(options.epsilon);
    this.sensitivity = options.sensitivity;
    this.epsilon = options.epsilon;
    this.scale = options.sensitivity / options.epsilon;
    this.random = options.random ?? secureRandom();
  }

  /** A noisy copy of a scalar. */
  randomise(value: number): number {
    return this.scale === 0 ? value : value + this.random.laplace(this.scale);
  }

  /** Adds noise to every entry of a vector, in place (its L1 sensitivity is bounded). */
  randomiseInPlace(values: Float32Array | Float64Array): void {
    for (let i = 0; i < values.length; i++) values[i] = this.randomise(values[i]);
  }

  /**
   * The privacy cost of one release: `(epsilon, 0)`, the exact Laplace RDP curve and the
   * randomized-response PLD pair (valid for every `epsilon`-DP release).
   */
  cost(label: string): PrivacyCost {
    const { sensitivity, scale, epsilon } = this;
    return {
      label,
      epsilon,
      delta: 0,
      rdp: (orders) =>
        scale === 0 ? new Float64Array(orders.length) : laplaceRdp(sensitivity, scale, orders),
      ...(epsilon > 0 ? { pld: (interval: number) => pureDpPair(epsilon, interval) } : {}),
    };
  }
}
