/**
 * Calibration of the DP-SGD noise multiplier: the smallest sigma whose composed guarantee meets a
 * target epsilon, by bisection on `log(sigma)` (epsilon decreases monotonically in sigma). The
 * guarantee is computed by the chosen accountant (RDP or PLD) over every phase and every earlier
 * release, exactly as the budget accountant's ledger will compose them ({@linkcode composeCosts}),
 * so the ledger's total is the calibrated figure.
 *
 * @module
 */
import type { Conversion } from "./conversion.ts";
import { checkDelta, checkPositive } from "../../check/mod.ts";
import { dpSgdEpsilon } from "./rdp_accountant.ts";
import { CalibrationError } from "../errors.ts";
import {
  type Accountant,
  composeCosts,
  type CompositionOptions,
  evaluateCost,
} from "./compose_costs.ts";
import { DEFAULT_ORDERS } from "./rdp.ts";
import { defaultPldInterval } from "./pld.ts";
import { type PrivacyCost, subsampledGaussianCost } from "./privacy_cost.ts";

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
  /** `rdp` (default) or `pld`: the accountant whose figure must meet the target. */
  accountant?: Accountant;
  /**
   * The steps of each phase, composed phase by phase as the ledger does (default: one phase of
   * `steps`); they must add up to `steps`.
   */
  phaseSteps?: readonly number[];
  /** Releases on the same data before DP-SGD (e.g. DP bounds), composed with every phase. */
  prior?: readonly PrivacyCost[];
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
  /** The RDP order attaining it (RDP without prior releases only). */
  order?: number;
  /** The PLD grid step used (PLD only): the budget must use the same one. */
  pldInterval?: number;
}

/**
 * The PLD grid step of a training's calibration and ledger: {@linkcode defaultPldInterval}, but
 * at least 2^-11 (about 4.9e-4). Each is pessimistic; the coarser floor keeps the calibration's
 * dozen evaluations fast and costs at most about 2e-4 in epsilon on this project's heads (2e-3
 * on the 14,063-step TF Privacy anchor, whose `deno task privacy` figure uses 2^-13).
 */
export function trainingPldInterval(
  p: { noiseMultiplier: number; sampleRate: number; steps: number },
): number {
  return Math.max(2 ** -11, defaultPldInterval(p));
}

/** The epsilon of `sigma` under the calibration's accountant (see the module documentation). */
function epsilonAt(p: CalibrationParams, sigma: number): Calibration {
  const { sampleRate, steps, delta } = p;
  const accountant = p.accountant ?? "rdp";
  if (accountant === "rdp" && !p.prior?.length) {
    const r = dpSgdEpsilon({
      noiseMultiplier: sigma,
      sampleRate,
      steps,
      delta,
      conversion: p.conversion,
      orders: p.orders,
    });
    return { noiseMultiplier: sigma, epsilon: r.epsilon, order: r.order };
  }
  const pldInterval = trainingPldInterval({ noiseMultiplier: sigma, sampleRate, steps });
  const o: CompositionOptions = {
    delta,
    accountant,
    orders: p.orders ?? DEFAULT_ORDERS,
    conversion: p.conversion ?? "tight",
    pldInterval,
  };
  const costs = [
    ...(p.prior ?? []),
    ...(p.phaseSteps ?? [steps]).filter((s) => s > 0).map((s, i) =>
      subsampledGaussianCost({ label: `phase ${i}`, sampleRate, noiseMultiplier: sigma, steps: s })
    ),
  ].map((c) => evaluateCost(c, o));
  return {
    noiseMultiplier: sigma,
    epsilon: composeCosts(costs, o),
    ...(accountant === "pld" ? { pldInterval } : {}),
  };
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
  const { targetEpsilon, delta, steps } = p;
  checkPositive(targetEpsilon, "target epsilon");
  checkDelta(delta);
  const [lo0, hi0] = p.bounds ?? [0.05, 500];
  if (!(lo0 > 0 && hi0 > lo0)) {
    throw new RangeError(`expected sigma bounds 0 < lo < hi, received [${lo0}, ${hi0}]`);
  }
  const tol = p.tolerance ?? 1e-4;
  const phases = p.phaseSteps ?? [steps];
  if (phases.reduce((a, b) => a + b, 0) !== steps) {
    throw new RangeError(`expected phase steps adding up to ${steps}, received [${phases}]`);
  }
  const memo = new Map<number, Calibration>();
  const eps = (sigma: number) => {
    if (!memo.has(sigma)) memo.set(sigma, epsilonAt(p, sigma));
    return memo.get(sigma)!;
  };
  const [lo, hi, best] = bracket(p, eps, lo0, hi0);
  return bisect(eps, lo, hi, best, targetEpsilon, tol, p.accountant === "pld");
}

/**
 * The bisection's starting interval `[lo, hi]` and the result at `hi`. For PLD it starts from
 * the RDP calibration (PLD is tighter, so its sigma is at most RDP's; checked, not assumed) and
 * 0.8 times it (checked too; PLD's sigma is typically 5-10% below RDP's).
 *
 * @throws {CalibrationError} when even `hi0` misses the target.
 */
function bracket(
  p: CalibrationParams,
  eps: (sigma: number) => Calibration,
  lo0: number,
  hi0: number,
): [number, number, Calibration] {
  const target = p.targetEpsilon;
  if (p.accountant === "pld") {
    let rdpSigma: number | undefined;
    try {
      rdpSigma = calibrateNoiseMultiplier({ ...p, accountant: "rdp" }).noiseMultiplier;
    } catch (e) {
      if (!(e instanceof CalibrationError)) throw e;
    }
    const atRdp = rdpSigma === undefined ? undefined : eps(rdpSigma);
    if (atRdp && atRdp.epsilon <= target) {
      const half = Math.max(lo0, rdpSigma! * 0.8);
      const atHalf = eps(half);
      return atHalf.epsilon <= target ? [lo0, half, atHalf] : [half, rdpSigma!, atRdp];
    }
  }
  const atHi = eps(hi0);
  if (atHi.epsilon > target) {
    throw new CalibrationError(
      `no noise multiplier in [${lo0}, ${hi0}] reaches epsilon ${target} at delta ${p.delta} ` +
        `with sample rate ${p.sampleRate.toPrecision(4)} and ${p.steps} steps: the smallest ` +
        `reachable epsilon is ${atHi.epsilon.toPrecision(4)} (at sigma ${hi0}); raise the ` +
        `target epsilon or delta, or train for fewer epochs`,
      atHi.epsilon,
    );
  }
  return [lo0, hi0, atHi];
}

/**
 * Root finding on `x = log(sigma)` between `lo` (misses the target, unless it is the bound) and
 * `hi` (meets it): bisection for RDP (cheap), the Illinois variant of regula falsi on
 * `log(epsilon / target)` for PLD (each evaluation costs FFTs; a handful of them suffice). Either
 * way the result meets the target and `hi / lo` ends within `1 + tol`, or epsilon within 1e-5
 * of the target (relative).
 */
function bisect(
  eps: (sigma: number) => Calibration,
  lo: number,
  hi: number,
  best: Calibration,
  target: number,
  tol: number,
  secant: boolean,
): Calibration {
  const atLo = eps(lo);
  if (atLo.epsilon <= target) return atLo;
  const f = (c: Calibration) => Math.log(Math.max(c.epsilon, 1e-300) / target);
  let fl = f(atLo), fh = f(best), side = 0;
  while (hi / lo > 1 + tol && target - best.epsilon > 1e-5 * target) {
    const xl = Math.log(lo), xh = Math.log(hi);
    let x = (xl * fh - xh * fl) / (fh - fl);
    if (!secant || !(x > xl && x < xh)) x = (xl + xh) / 2;
    const r = eps(Math.exp(x)), fx = f(r);
    if (r.epsilon <= target) {
      [hi, best, fh] = [r.noiseMultiplier, r, fx];
      if (side === -1) fl /= 2;
      side = -1;
    } else {
      [lo, fl] = [r.noiseMultiplier, fx];
      if (side === 1) fh /= 2;
      side = 1;
    }
  }
  return best;
}
