/**
 * The Gaussian mechanism (in the style of IBM's diffprivlib): built from an L2 sensitivity and
 * an `(epsilon, delta)` target, it calibrates its noise with the analytic Gaussian mechanism of
 * Balle and Wang 2018 (the smallest std that is exactly `(epsilon, delta)`-DP, valid for every
 * epsilon > 0), or from a noise multiplier as DP-SGD uses it.
 *
 * @module
 */
import { gaussianRdp } from "../accounting/rdp.ts";
import { checkDelta, checkEpsilon, checkNonNegative, checkPositive } from "../../check/mod.ts";
import { logErfc } from "../log_math.ts";
import type { PrivacyCost } from "../accounting/privacy_cost.ts";
import { subsampledGaussianPair } from "../accounting/pld_pair.ts";
import { type RandomSource, secureRandom } from "./random.ts";

function checkSensitivity(sensitivity: number): void {
  checkNonNegative(sensitivity, "sensitivity");
}

/** `log Phi(x)` for the standard normal distribution function. */
function logPhi(x: number): number {
  return Math.log(0.5) + logErfc(-x / Math.SQRT2);
}

/**
 * The exact delta of the Gaussian mechanism with std `sigma` at sensitivity 1 and a given
 * epsilon (Balle and Wang 2018, Theorem 8):
 * `Phi(1/(2 sigma) - eps sigma) - e^eps Phi(-1/(2 sigma) - eps sigma)`.
 */
export function gaussianDelta(sigma: number, epsilon: number): number {
  const a = 1 / (2 * sigma), b = epsilon * sigma;
  return Math.exp(logPhi(a - b)) - Math.exp(epsilon + logPhi(-a - b));
}

/** The smallest std (at sensitivity 1) that makes the Gaussian mechanism (epsilon, delta)-DP. */
export function analyticGaussianSigma(epsilon: number, delta: number): number {
  checkEpsilon(epsilon);
  checkDelta(delta);
  let lo = 1e-8, hi = 1;
  while (gaussianDelta(hi, epsilon) > delta) hi *= 2;
  while (hi / lo > 1 + 1e-12) {
    const mid = Math.sqrt(lo * hi);
    if (gaussianDelta(mid, epsilon) > delta) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** Options of {@linkcode GaussianMechanism} built from a privacy target. */
export interface GaussianMechanismOptions {
  /** L2 sensitivity of the released vector. */
  sensitivity: number;
  /** Target epsilon (> 0). */
  epsilon: number;
  /** Target delta, in (0, 1). */
  delta: number;
  /** Where the noise comes from (default: a secure generator). */
  random?: RandomSource;
}

/** Options of {@linkcode GaussianMechanism} built from a noise multiplier (DP-SGD's form). */
export interface GaussianNoiseMultiplierOptions {
  /** L2 sensitivity of the released vector (DP-SGD: the clipping norm). */
  sensitivity: number;
  /** Noise std divided by the sensitivity. */
  noiseMultiplier: number;
  /** Where the noise comes from (default: a secure generator). */
  random?: RandomSource;
}

/**
 * Adds Gaussian noise calibrated to an L2 sensitivity.
 *
 * @example
 * ```ts
 * import { GaussianMechanism } from "./gaussian_mechanism.ts";
 * import { seededRandom } from "./random.ts";
 * const mech = new GaussianMechanism({ sensitivity: 1, epsilon: 1, delta: 1e-5,
 *   random: seededRandom(1) });
 * const noisyCount = mech.randomise(42);
 * const sgdNoise = new GaussianMechanism({ sensitivity: 1, noiseMultiplier: 1.1 });
 * ```
 */
export class GaussianMechanism {
  /** L2 sensitivity. */
  readonly sensitivity: number;
  /** Noise standard deviation. */
  readonly std: number;
  /** The epsilon the mechanism was built for (undefined when built from a noise multiplier). */
  readonly epsilon?: number;
  /** The delta the mechanism was built for (undefined when built from a noise multiplier). */
  readonly delta?: number;
  private readonly random: RandomSource;

  /**
   * Calibrates the noise to `(epsilon, delta)` (analytic Gaussian), or takes a noise multiplier
   * (std = noiseMultiplier * sensitivity, accounted through RDP).
   *
   * @throws {RangeError} for a negative or non-finite sensitivity, epsilon <= 0, delta outside
   * (0, 1), or a noise multiplier <= 0.
   */
  constructor(options: GaussianMechanismOptions | GaussianNoiseMultiplierOptions) {
    checkSensitivity(options.sensitivity);
    this.sensitivity = options.sensitivity;
    this.random = options.random ?? secureRandom();
    if ("noiseMultiplier" in options) {
      const z = options.noiseMultiplier;
      checkPositive(z, "noise multiplier");
      this.std = z * options.sensitivity;
    } else {
      // analyticGaussianSigma checks epsilon and delta.
      this.epsilon = options.epsilon;
      this.delta = options.delta;
      this.std = options.sensitivity * analyticGaussianSigma(options.epsilon, options.delta);
    }
  }

  /** The noise std divided by the sensitivity. */
  get noiseMultiplier(): number {
    return this.std / this.sensitivity;
  }

  /** A noisy copy of a scalar. */
  randomise(value: number): number {
    return value + this.std * this.random.normal();
  }

  /** Adds noise to every entry of a vector, in place (the vector's L2 sensitivity is bounded). */
  randomiseInPlace(values: Float32Array | Float64Array): void {
    this.random.addNormalNoise(values, this.std);
  }

  /**
   * The privacy cost of one release: its (epsilon, delta) when known, its RDP curve and its PLD
   * pair (a zero-sensitivity release costs `(0, 0)`).
   */
  cost(label: string): PrivacyCost {
    const { sensitivity, std, epsilon, delta } = this;
    if (sensitivity === 0) {
      return { label, epsilon: 0, delta: 0, rdp: (orders) => new Float64Array(orders.length) };
    }
    return {
      label,
      ...(epsilon === undefined ? {} : { epsilon, delta }),
      rdp: (orders) => gaussianRdp(sensitivity, std, orders),
      pld: (interval) =>
        subsampledGaussianPair({
          sampleRate: 1,
          noiseMultiplier: std / sensitivity,
          steps: 1,
          interval,
        }),
    };
  }
}
