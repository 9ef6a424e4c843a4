/**
 * Calibration of the DP-SGD noise multiplier: the smallest sigma whose composed guarantee meets a
 * target epsilon, by bisection on `log(sigma)` (epsilon decreases monotonically in sigma).
 *
 * @module
 */
import type { Conversion } from "./conversion.ts";
import { checkDelta, checkPositive } from "../../check/mod.ts";
import { dpSgdEpsilon } from "./rdp_accountant.ts";
import { CalibrationError } from "../errors.ts";

/** Arguments of {@linkcode calibrateNoiseMultiplier}. */
export interface CalibrationParams {
  /** The epsilon to meet (the result's epsilon is at most this). */
  targetEpsilon: number;
  /** Target delta. */
  delta: number;
  /** Poisson sampling rate. */
  sampleRate: number;
  /** Total number of noisy steps over all phases. */
  steps: number;
  /** Conversion (default `tight`). */
  conversion?: Conversion;
  /** RDP orders (default: the accountant's). */
  orders?: readonly number[];
  /** Search interval for sigma (default [0.05, 500]). */
  bounds?: [number, number];
  /** Relative precision of sigma (default 1e-4). */
  tolerance?: number;
}

/** The calibrated noise multiplier and the epsilon it attains. */
export interface Calibration {
  /** The calibrated noise multiplier. */
  noiseMultiplier: number;
  /** The epsilon it attains (at most the target). */
  epsilon: number;
  /** The RDP order attaining it. */
  order: number;
}

/**
 * The smallest noise multiplier (to a relative tolerance) whose DP-SGD guarantee is at most the
 * target epsilon.
 *
 * @example
 * ```ts
 * import { calibrateNoiseMultiplier } from "./calibrate.ts";
 * const { noiseMultiplier } = calibrateNoiseMultiplier({
 *   targetEpsilon: 3, delta: 1e-5, sampleRate: 64 / 1297, steps: 800,
 * });
 * ```
 * @throws {CalibrationError} when even the largest sigma of the bounds gives a larger epsilon.
 * @throws {RangeError} for an epsilon <= 0, a delta outside (0, 1) or bad bounds.
 */
export function calibrateNoiseMultiplier(p: CalibrationParams): Calibration {
  const { targetEpsilon, delta, sampleRate, steps } = p;
  checkPositive(targetEpsilon, "target epsilon");
  checkDelta(delta);
  const [lo0, hi0] = p.bounds ?? [0.05, 500];
  if (!(lo0 > 0 && hi0 > lo0)) {
    throw new RangeError(`expected sigma bounds 0 < lo < hi, received [${lo0}, ${hi0}]`);
  }
  const tol = p.tolerance ?? 1e-4;
  const eps = (sigma: number) =>
    dpSgdEpsilon({
      noiseMultiplier: sigma,
      sampleRate,
      steps,
      delta,
      conversion: p.conversion,
      orders: p.orders,
    });
  const atHi = eps(hi0);
  if (atHi.epsilon > targetEpsilon) {
    throw new CalibrationError(
      `no noise multiplier in [${lo0}, ${hi0}] reaches epsilon ${targetEpsilon} at delta ${delta} ` +
        `with sample rate ${
          sampleRate.toPrecision(4)
        } and ${steps} steps: the smallest reachable ` +
        `epsilon is ${atHi.epsilon.toPrecision(4)} (at sigma ${hi0}); raise the target epsilon ` +
        `or delta, or train for fewer epochs`,
      atHi.epsilon,
    );
  }
  const atLo = eps(lo0);
  if (atLo.epsilon <= targetEpsilon) return { noiseMultiplier: lo0, ...atLo };
  let lo = lo0, hi = hi0, best = atHi;
  while (hi / lo > 1 + tol) {
    const mid = Math.sqrt(lo * hi);
    const r = eps(mid);
    if (r.epsilon <= targetEpsilon) {
      hi = mid;
      best = r;
    } else {
      lo = mid;
    }
  }
  return { noiseMultiplier: hi, epsilon: best.epsilon, order: best.order };
}
