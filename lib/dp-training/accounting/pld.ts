/**
 * A privacy loss distribution (PLD) accountant for DP-SGD with Poisson sampling: the privacy loss
 * of the Poisson-subsampled Gaussian mechanism, discretised on a grid and composed by FFT (Koskela,
 * Jälkö and Honkela 2020; Doroshenko, Ghazi, Kamath, Kumar and Manurangsi 2022, as in Google's
 * `dp_accounting`).
 *
 * Construction. Under the add/remove relation (as {@linkcode subsampledGaussianRdp}), one step
 * compares `P = (1 - q) N(0, s^2) + q N(1, s^2)` with `Q = N(0, s^2)` ("remove") and `Q` with
 * `P` ("add"); both directions are composed and the larger epsilon is reported.
 *
 * Discretisation and rounding. The loss of one step is put on the grid `i h` (`h` the
 * `interval`) by the connect-the-dots rule of Doroshenko et al. 2022: the mass of each interval
 * `(i h, (i + 1) h]` is split between its two ends so that the discrete distribution's
 * hockey-stick curve `delta(eps)` equals the true one at every grid point and, being linear in
 * `e^eps` between them, lies above the true (convex in `e^eps`) curve everywhere. Mass below the
 * grid is moved up to its lowest point; above the grid, `delta(top)` goes to the infinity mass and
 * the rest to the top point. It is therefore a pessimistic (dominating) pair, and composition
 * keeps domination: the reported epsilon is never below the true one, and exceeds it by at most
 * `h` for one step and by at most `steps * h` for `steps` steps (the connect-the-dots
 * distribution is dominated by rounding every loss up to the grid). In practice the excess is far
 * smaller. Refining the grid by halving `h` never raises the result.
 *
 * Composition. `steps`-fold self-composition by repeated squaring; each product is a linear
 * convolution by FFT ({@linkcode convolve}), after which at most `tailMass` of the lower tail is
 * moved up to the lowest kept point and at most `tailMass` of the upper tail is added to the
 * infinity mass (both pessimistic). The infinity mass composes as `1 - (1 - p)^steps`.
 * Floating-point errors of the FFT (about 1e-16 of the total mass per entry) are not bounded
 * rigorously; they are far below any delta of interest.
 *
 * @module
 */
import { erfc } from "../log_math.ts";
import { checkDelta } from "../../check/mod.ts";
import { convolve } from "./fft.ts";

/** Which neighbouring direction a privacy loss distribution describes. */
export type PldDirection = "remove" | "add";

/** Standard normal upper tail `P(Z > z)`. */
function upper(z: number): number {
  if (z === Infinity) return 0;
  if (z === -Infinity) return 1;
  return 0.5 * erfc(z / Math.SQRT2);
}

/** Standard normal lower tail `P(Z < z)`. */
function lower(z: number): number {
  if (z === Infinity) return 1;
  if (z === -Infinity) return 0;
  return 0.5 * erfc(-z / Math.SQRT2);
}

/** `P(a < Z < b)` for a standard normal `Z`, accurate in both tails. */
function normalMass(a: number, b: number): number {
  if (!(b > a)) return 0;
  if (a >= 0) return upper(a) - upper(b);
  if (b <= 0) return lower(b) - lower(a);
  return 1 - lower(a) - upper(b);
}

/**
 * A discrete privacy loss distribution: mass `probabilities[j]` at loss `(offset + j) * interval`
 * and `infinityMass` at loss +infinity, all under the first distribution of a (dominating) pair.
 *
 * @example
 * ```ts
 * import { subsampledGaussianPld } from "./pld.ts";
 * const pld = subsampledGaussianPld({ sampleRate: 0.01, noiseMultiplier: 1, direction: "remove",
 *   interval: 1e-3 }).selfCompose(100);
 * pld.getEpsilon(1e-5);
 * ```
 */
export class PrivacyLossDistribution {
  /** The grid step `h` of the loss values. */
  readonly interval: number;
  /** The grid index of `probabilities[0]`. */
  readonly offset: number;
  /** The masses on the grid (non-negative). */
  readonly probabilities: Float64Array;
  /** The mass at loss +infinity. */
  readonly infinityMass: number;
  /** The tail mass each composition may move (see the module documentation). */
  readonly tailMass: number;

  /**
   * A distribution from its grid masses; the masses are truncated to their support.
   *
   * @throws {RangeError} for a non-positive interval, a non-integer offset, an infinity mass
   * outside [0, 1] or a tail mass outside [0, 1).
   */
  constructor(
    p: {
      interval: number;
      offset: number;
      probabilities: Float64Array;
      infinityMass: number;
      tailMass?: number;
    },
  ) {
    if (!(p.interval > 0 && Number.isFinite(p.interval))) {
      throw new RangeError(`expected an interval > 0, received ${p.interval}`);
    }
    if (!Number.isInteger(p.offset)) {
      throw new RangeError(`expected an integer offset, received ${p.offset}`);
    }
    if (!(p.infinityMass >= 0 && p.infinityMass <= 1)) {
      throw new RangeError(`expected an infinity mass in [0, 1], received ${p.infinityMass}`);
    }
    const tailMass = p.tailMass ?? 1e-15;
    if (!(tailMass >= 0 && tailMass < 1)) {
      throw new RangeError(`expected a tail mass in [0, 1), received ${tailMass}`);
    }
    this.interval = p.interval;
    this.tailMass = tailMass;
    const probs = p.probabilities;
    let lo = 0, hi = probs.length - 1;
    while (lo <= hi && !(probs[lo] > 0)) lo++;
    while (hi >= lo && !(probs[hi] > 0)) hi--;
    this.offset = p.offset + lo;
    this.probabilities = probs.slice(lo, hi + 1);
    this.infinityMass = p.infinityMass;
  }

  /** The composition of two distributions on the same grid (the privacy loss adds up). */
  compose(other: PrivacyLossDistribution): PrivacyLossDistribution {
    if (other.interval !== this.interval) {
      throw new RangeError(
        `expected equal intervals, received ${this.interval} and ${other.interval}`,
      );
    }
    const c = convolve(this.probabilities, other.probabilities);
    for (let i = 0; i < c.length; i++) if (!(c[i] > 0)) c[i] = 0;
    const tail = Math.min(this.tailMass, other.tailMass);
    // Pessimistic truncation: the lower tail moves up, the upper tail goes to infinity.
    let lo = 0, cum = 0;
    while (lo < c.length - 1 && cum + c[lo] <= tail) cum += c[lo++];
    c[lo] += cum;
    let hi = c.length - 1, top = 0;
    while (hi > lo && top + c[hi] <= tail) top += c[hi--];
    const pInf = 1 - (1 - this.infinityMass) * (1 - other.infinityMass);
    return new PrivacyLossDistribution({
      interval: this.interval,
      offset: this.offset + other.offset + lo,
      probabilities: c.slice(lo, hi + 1),
      infinityMass: Math.min(1, pInf + top),
      tailMass: tail,
    });
  }

  /** The `times`-fold composition with itself (repeated squaring). */
  selfCompose(times: number): PrivacyLossDistribution {
    if (!(Number.isInteger(times) && times >= 1)) {
      throw new RangeError(`expected a whole number of compositions >= 1, received ${times}`);
    }
    return power(this, times);
  }

  /** The hockey-stick divergence `delta(eps) = p_inf + sum_i p_i (1 - e^{eps - l_i})_+`. */
  getDelta(epsilon: number): number {
    let d = this.infinityMass;
    const h = this.interval, p = this.probabilities;
    for (let j = p.length - 1; j >= 0; j--) {
      const l = (this.offset + j) * h;
      if (l <= epsilon) break;
      d -= p[j] * Math.expm1(epsilon - l);
    }
    return d;
  }

  /**
   * The smallest epsilon >= 0 with `delta(epsilon) <= delta` (Infinity when the infinity mass
   * alone exceeds delta), solved exactly between grid points.
   *
   * @throws {RangeError} for delta outside (0, 1).
   */
  getEpsilon(delta: number): number {
    checkDelta(delta);
    if (this.infinityMass > delta) return Infinity;
    const h = this.interval, p = this.probabilities, eh = Math.exp(-h);
    // Scanning down: a = sum_{i > j} p_i, c = sum_{i > j} p_i e^{l_j - l_i};
    // delta(l_j) = p_inf + a - c, and on [l_j, l_{j+1}] delta(eps) = p_inf + a - c e^{eps - l_j}.
    let a = 0, c = 0;
    for (let j = p.length - 1; j >= -1; j--) {
      const lNext = (this.offset + j + 1) * h;
      if (j < p.length - 1) {
        a += p[j + 1];
        c = (c + p[j + 1]) * eh;
      } else {
        c = 0;
      }
      const l = (this.offset + j) * h;
      const dAt = this.infinityMass + a - c;
      if (dAt > delta) {
        // The answer lies in (l, lNext]; with no mass above there, it is lNext (c = 0 only at top).
        const eps = c > 0 ? l + Math.log((this.infinityMass + a - delta) / c) : lNext;
        return Math.max(0, Math.min(eps, lNext));
      }
      if (l <= 0) return 0;
    }
    return 0;
  }
}

/** `base` composed `times` times with itself, by repeated squaring. */
function power(base: PrivacyLossDistribution, times: number): PrivacyLossDistribution {
  let result: PrivacyLossDistribution | undefined;
  for (let t = times;;) {
    if (t & 1) result = result ? result.compose(base) : base;
    t = Math.floor(t / 2);
    if (t === 0) break;
    base = base.compose(base);
  }
  return result!;
}

/** Parameters of {@linkcode subsampledGaussianPld}. */
export interface SubsampledGaussianPldParams {
  /** Poisson sampling rate `q` in (0, 1]. */
  sampleRate: number;
  /** Noise std divided by the L2 sensitivity (clipping norm). */
  noiseMultiplier: number;
  /** Which neighbouring direction. */
  direction: PldDirection;
  /** Grid step `h` of the loss values. */
  interval: number;
  /** Tail mass each composition may move pessimistically; default 1e-15. */
  tailMass?: number;
}

/**
 * The pessimistic (connect-the-dots) discrete privacy loss distribution of one step of the
 * Poisson-subsampled Gaussian mechanism in one direction (see the module documentation).
 *
 * @example
 * ```ts
 * import { subsampledGaussianPld } from "./pld.ts";
 * subsampledGaussianPld({ sampleRate: 1, noiseMultiplier: 1, direction: "remove", interval: 1e-3 })
 *   .getEpsilon(1e-5); // the analytic Gaussian's epsilon, rounded up by at most 1e-3
 * ```
 * @throws {RangeError} for a sample rate outside (0, 1], a non-positive noise multiplier or
 * interval, or a loss range too wide to represent.
 */
export function subsampledGaussianPld(p: SubsampledGaussianPldParams): PrivacyLossDistribution {
  const q = p.sampleRate, s = p.noiseMultiplier, h = p.interval;
  if (!(q > 0 && q <= 1)) throw new RangeError(`expected a sample rate in (0, 1], received ${q}`);
  if (!(s > 0 && Number.isFinite(s))) {
    throw new RangeError(`expected a noise multiplier > 0, received ${s}`);
  }
  if (!(h > 0 && Number.isFinite(h))) {
    throw new RangeError(`expected an interval > 0, received ${h}`);
  }
  if (p.direction !== "remove" && p.direction !== "add") {
    throw new RangeError(`expected direction "remove" or "add", received "${p.direction}"`);
  }
  const remove = p.direction === "remove", s2 = s * s;
  // Loss of an outcome x: ell(x) = log(1 - q + q e^{(2x - 1) / (2 s^2)}) (remove), minus it (add).
  const ell = (x: number) => {
    const z = (2 * x - 1) / (2 * s2);
    const v = q === 1 ? z : Math.log1p(-q) + Math.log1p(Math.exp(Math.log(q / (1 - q)) + z));
    return remove ? v : -v;
  };
  // The threshold x(eps) with {loss > eps} = {x > x(eps)} (remove) or {x < x(eps)} (add).
  const threshold = (eps: number) => {
    const e = remove ? eps : -eps;
    if (q < 1 && e <= Math.log1p(-q)) return -Infinity; // everything (remove) or nothing (add)
    const w = q === 1 ? e : e + Math.log1p(-(1 - q) * Math.exp(-e)) - Math.log(q);
    return s2 * w + 0.5;
  };
  // (P, Q) masses of the x-interval (x1, x2).
  const masses = (x1: number, x2: number): [number, number] => {
    const m0 = normalMass(x1 / s, x2 / s), m1 = normalMass((x1 - 1) / s, (x2 - 1) / s);
    const mix = (1 - q) * m0 + q * m1;
    return remove ? [mix, m0] : [m0, mix];
  };
  const T = 8.5; // normal tails beyond 8.5 std: about 1e-17
  const l1 = ell(-T * s), l2 = ell(1 + T * s);
  const iLo = Math.floor(Math.min(l1, l2) / h), iHi = Math.ceil(Math.max(l1, l2) / h);
  if (!(iHi * h < 700 && iLo * h > -700) || iHi - iLo > 5e7) {
    throw new RangeError(
      `the privacy loss range [${l1}, ${l2}] is too wide for interval ${h}; use a larger interval`,
    );
  }
  const n = iHi - iLo + 1;
  const probs = new Float64Array(n);
  const eh = Math.exp(h), em1 = Math.expm1(h);
  const xs = new Float64Array(n);
  for (let j = 0; j < n; j++) xs[j] = threshold((iLo + j) * h);
  // The set {loss > eps_j} as an x-interval, and its (P, Q) masses.
  const above = (j: number): [number, number] =>
    remove ? masses(xs[j], Infinity) : masses(-Infinity, xs[j]);
  // Below the grid: moved up to its lowest point.
  probs[0] += 1 - above(0)[0];
  for (let j = 0; j + 1 < n; j++) {
    const [pm, qm] = remove ? masses(xs[j], xs[j + 1]) : masses(xs[j + 1], xs[j]);
    if (!(pm > 0)) continue;
    const e = Math.exp((iLo + j) * h);
    const a = Math.max(0, pm - e * qm), b = Math.max(0, e * eh * qm - pm);
    // Split preserving both P and Q mass: P-mass b/(e^h - 1) at the lower end, a e^h/(e^h - 1)
    // at the upper end.
    probs[j] += b / em1;
    probs[j + 1] += (a * eh) / em1;
  }
  // Above the grid: delta(top) to infinity, e^top Q(loss > top) to the top point.
  const [pTop, qTop] = above(n - 1);
  const qPart = Math.min(pTop, Math.exp(iHi * h) * qTop);
  probs[n - 1] += qPart;
  return new PrivacyLossDistribution({
    interval: h,
    offset: iLo,
    probabilities: probs,
    infinityMass: Math.max(0, pTop - qPart),
    tailMass: p.tailMass,
  });
}

/** Parameters of {@linkcode dpSgdEpsilonPld}. */
export interface DpSgdPldParams {
  /** Noise std divided by the clipping norm. */
  noiseMultiplier: number;
  /** Poisson sampling rate (expected batch size / dataset size). */
  sampleRate: number;
  /** Number of noisy steps. */
  steps: number;
  /** Target delta. */
  delta: number;
  /**
   * Grid step of the privacy loss; default chosen by {@linkcode defaultPldInterval} (a power of
   * two, at least 2^-13, so that the composed distribution has about 2^18 grid points).
   */
  interval?: number;
  /** Tail mass each composition may move pessimistically; default 1e-15. */
  tailMass?: number;
}

/** The PLD accountant's answer: epsilon (the larger of both directions) and how it was found. */
export interface PldEpsilon {
  /** The epsilon at the given delta: the max of the two directions. */
  epsilon: number;
  /** Epsilon of the remove direction. */
  remove: number;
  /** Epsilon of the add direction. */
  add: number;
  /** The grid step used. */
  interval: number;
}

/**
 * A grid step for `steps` steps: the power of two, at least 2^-13 (about 1.2e-4), that puts the
 * composed privacy loss's likely range (mean plus or minus 12 standard deviations, estimated on a
 * coarse grid) on about 2^18 points.
 */
export function defaultPldInterval(
  p: { noiseMultiplier: number; sampleRate: number; steps: number },
): number {
  let width = 0;
  for (const direction of ["remove", "add"] as const) {
    const pld = subsampledGaussianPld({ ...p, direction, interval: 1 / 64 });
    let m = 0, m2 = 0;
    pld.probabilities.forEach((v, j) => {
      const l = (pld.offset + j) * pld.interval;
      m += v * l;
      m2 += v * l * l;
    });
    const sd = Math.sqrt(Math.max(0, m2 - m * m));
    width = Math.max(width, p.steps * Math.abs(m) + 24 * Math.sqrt(p.steps) * sd);
  }
  return Math.max(2 ** -13, 2 ** Math.ceil(Math.log2(Math.max(width, 1e-300) / 2 ** 18)));
}

/**
 * The epsilon of DP-SGD with Poisson sampling from the PLD accountant: both directions composed
 * `steps` times, the larger epsilon reported. Never below the true epsilon (see the module
 * documentation for the discretisation and its slack).
 *
 * @example
 * ```ts
 * import { dpSgdEpsilonPld } from "./pld.ts";
 * dpSgdEpsilonPld({ noiseMultiplier: 1.1, sampleRate: 0.01, steps: 100, delta: 1e-5 }).epsilon;
 * ```
 * @throws {RangeError} for out-of-range parameters.
 */
export function dpSgdEpsilonPld(p: DpSgdPldParams): PldEpsilon {
  checkDelta(p.delta);
  if (!(Number.isInteger(p.steps) && p.steps >= 0)) {
    throw new RangeError(`expected a whole number of steps >= 0, received ${p.steps}`);
  }
  const interval = p.interval ?? (p.steps === 0 ? 2 ** -13 : defaultPldInterval(p));
  if (p.steps === 0) return { epsilon: 0, remove: 0, add: 0, interval };
  const eps = (direction: PldDirection) =>
    subsampledGaussianPld({ ...p, direction, interval }).selfCompose(p.steps).getEpsilon(p.delta);
  const remove = eps("remove"), add = eps("add");
  return { epsilon: Math.max(remove, add), remove, add, interval };
}
