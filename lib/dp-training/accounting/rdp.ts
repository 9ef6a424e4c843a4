/**
 * Rényi differential privacy (RDP) of the mechanisms this project uses, as functions of the RDP
 * order `alpha`:
 *
 * - the Poisson-subsampled Gaussian mechanism of DP-SGD (Mironov, Talwar and Zhang 2019,
 *   "Rényi Differential Privacy of the Sampled Gaussian Mechanism"): integer orders exactly by
 *   the binomial expansion, fractional orders by the two-sided series of that paper (the same
 *   computation as TF Privacy's and dp_accounting's RDP accountant), all in log space;
 * - the Gaussian mechanism without subsampling, `alpha * Delta^2 / (2 sigma^2)`;
 * - the Laplace mechanism (Mironov 2017, Proposition 6).
 *
 * RDP composes by addition, order by order.
 *
 * @module
 */
import { logAddExp, logErfc, logSubExp } from "../log_math.ts";

/**
 * The RDP orders used when none are given: dense between 1.25 and 10 (where small epsilons are
 * attained), then sparser up to 256 (where large epsilons are attained).
 */
export const DEFAULT_ORDERS: readonly number[] = Object.freeze([
  ...Array.from({ length: 36 }, (_, i) => 1.25 + 0.25 * i),
  11,
  12,
  13,
  14,
  15,
  16,
  18,
  20,
  24,
  28,
  32,
  40,
  48,
  56,
  64,
  80,
  96,
  128,
  256,
]);

function checkOrder(alpha: number): void {
  if (!(alpha > 1)) throw new RangeError(`expected an RDP order > 1, received ${alpha}`);
}

/** `log(A_alpha)` for an integer order: the binomial expansion of Mironov et al., Section 3.3. */
function logAInteger(q: number, sigma: number, alpha: number): number {
  const logQ = Math.log(q), log1mQ = Math.log1p(-q);
  let logA = -Infinity;
  let logBinom = 0; // log C(alpha, 0)
  for (let i = 0; i <= alpha; i++) {
    if (i > 0) logBinom += Math.log(alpha - i + 1) - Math.log(i);
    const s = logBinom + i * logQ + (alpha - i) * log1mQ + (i * i - i) / (2 * sigma * sigma);
    logA = logAddExp(logA, s);
  }
  return logA;
}

/**
 * `log(A_alpha)` for a fractional order: the series of Mironov et al., Section 3.3, split at
 * `z0 = sigma^2 log(1/q - 1) + 1/2`, summed until the terms fall below `e^-30`.
 */
function logAFractional(q: number, sigma: number, alpha: number): number {
  let logA0 = -Infinity, logA1 = -Infinity;
  const z0 = sigma * sigma * Math.log(1 / q - 1) + 0.5;
  const logQ = Math.log(q), log1mQ = Math.log1p(-q);
  const s2 = 2 * sigma * sigma, sqrt2Sigma = Math.SQRT2 * sigma;
  let logAbsBinom = 0; // log |C(alpha, i)|, real binomial coefficient
  let positive = true; // sign of C(alpha, i)
  for (let i = 0; i < 100_000; i++) {
    if (i > 0) {
      const r = (alpha - i + 1) / i;
      if (r === 0) break; // unreachable for fractional alpha
      logAbsBinom += Math.log(Math.abs(r));
      if (r < 0) positive = !positive;
    }
    const j = alpha - i;
    const logT0 = logAbsBinom + i * logQ + j * log1mQ;
    const logT1 = logAbsBinom + j * logQ + i * log1mQ;
    const logE0 = Math.log(0.5) + logErfc((i - z0) / sqrt2Sigma);
    const logE1 = Math.log(0.5) + logErfc((z0 - j) / sqrt2Sigma);
    const logS0 = logT0 + (i * i - i) / s2 + logE0;
    const logS1 = logT1 + (j * j - j) / s2 + logE1;
    if (positive) {
      logA0 = logAddExp(logA0, logS0);
      logA1 = logAddExp(logA1, logS1);
    } else {
      logA0 = logSubExp(logA0, logS0);
      logA1 = logSubExp(logA1, logS1);
    }
    if (Math.max(logS0, logS1) < -30) break;
  }
  return logAddExp(logA0, logA1);
}

/**
 * RDP at order `alpha` of one step of the Poisson-subsampled Gaussian mechanism with sampling
 * rate `q` and noise multiplier `sigma` (noise std / L2 sensitivity).
 *
 * @example
 * ```ts
 * import { subsampledGaussianRdpAt } from "./rdp.ts";
 * subsampledGaussianRdpAt(1, 2, 4); // 4 / (2 * 2^2) = 0.5: no subsampling
 * ```
 * @throws {RangeError} for q outside [0, 1], sigma < 0 or alpha <= 1.
 */
export function subsampledGaussianRdpAt(q: number, sigma: number, alpha: number): number {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`expected a sample rate in [0, 1], received ${q}`);
  if (!(sigma >= 0)) throw new RangeError(`expected a noise multiplier >= 0, received ${sigma}`);
  checkOrder(alpha);
  if (q === 0) return 0;
  if (sigma === 0) return Infinity;
  if (alpha === Infinity) return Infinity;
  if (q === 1) return alpha / (2 * sigma * sigma);
  const logA = Number.isInteger(alpha)
    ? logAInteger(q, sigma, alpha)
    : logAFractional(q, sigma, alpha);
  return logA / (alpha - 1);
}

/**
 * RDP of `steps` compositions of the Poisson-subsampled Gaussian mechanism, one value per order.
 *
 * @example
 * ```ts
 * import { DEFAULT_ORDERS, subsampledGaussianRdp } from "./rdp.ts";
 * const rdp = subsampledGaussianRdp(256 / 60000, 1.1, 14063, DEFAULT_ORDERS);
 * ```
 */
export function subsampledGaussianRdp(
  q: number,
  sigma: number,
  steps: number,
  orders: readonly number[] = DEFAULT_ORDERS,
): Float64Array {
  if (!(Number.isInteger(steps) && steps >= 0)) {
    throw new RangeError(`expected a whole number of steps >= 0, received ${steps}`);
  }
  return Float64Array.from(orders, (a) => steps * subsampledGaussianRdpAt(q, sigma, a));
}

/**
 * RDP of the Gaussian mechanism with noise std `sigma` on a query of L2 sensitivity
 * `sensitivity`: `alpha * sensitivity^2 / (2 sigma^2)` at each order.
 */
export function gaussianRdp(
  sensitivity: number,
  sigma: number,
  orders: readonly number[] = DEFAULT_ORDERS,
): Float64Array {
  if (!(sensitivity >= 0)) {
    throw new RangeError(`expected a sensitivity >= 0, received ${sensitivity}`);
  }
  if (!(sigma > 0)) throw new RangeError(`expected a noise std > 0, received ${sigma}`);
  return Float64Array.from(orders, (a) => {
    checkOrder(a);
    return (a * sensitivity * sensitivity) / (2 * sigma * sigma);
  });
}

/**
 * RDP of the Laplace mechanism with scale `b` on a query of L1 sensitivity `sensitivity`
 * (Mironov 2017, Proposition 6, with `lambda = b / sensitivity`):
 * `1/(alpha-1) log(alpha/(2 alpha - 1) e^{(alpha-1)/lambda} + (alpha-1)/(2 alpha-1) e^{-alpha/lambda})`.
 */
export function laplaceRdp(
  sensitivity: number,
  b: number,
  orders: readonly number[] = DEFAULT_ORDERS,
): Float64Array {
  if (!(sensitivity >= 0)) {
    throw new RangeError(`expected a sensitivity >= 0, received ${sensitivity}`);
  }
  if (!(b > 0)) throw new RangeError(`expected a Laplace scale > 0, received ${b}`);
  const eps = sensitivity / b;
  return Float64Array.from(orders, (a) => {
    checkOrder(a);
    if (eps === 0) return 0;
    const l = logAddExp(
      Math.log(a / (2 * a - 1)) + (a - 1) * eps,
      Math.log((a - 1) / (2 * a - 1)) - a * eps,
    );
    return Math.min(eps, l / (a - 1));
  });
}
