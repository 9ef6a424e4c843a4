/**
 * Numerics in log space for the privacy accountant: `log(e^a + e^b)`, `log(e^a - e^b)`, the
 * complementary error function and its logarithm (accurate far into the tail, where `erfc`
 * itself underflows), and the standard normal distribution function.
 *
 * @module
 */

const SQRT_PI = Math.sqrt(Math.PI);

/**
 * `log(e^a + e^b)` without overflow or underflow.
 *
 * @example
 * ```ts
 * import { logAddExp } from "./log_math.ts";
 * logAddExp(Math.log(2), Math.log(3)); // log(5)
 * ```
 */
export function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const m = Math.max(a, b);
  return m + Math.log1p(Math.exp(-Math.abs(a - b)));
}

/**
 * `log(e^a - e^b)` for `a >= b` (`-Infinity` when they are equal).
 *
 * @throws {RangeError} when `a < b` (the difference would be negative).
 */
export function logSubExp(a: number, b: number): number {
  if (b === -Infinity) return a;
  if (a < b) throw new RangeError(`logSubExp expects a >= b, received a = ${a}, b = ${b}`);
  if (a === b) return -Infinity;
  return b + Math.log(Math.expm1(a - b));
}

/** `e^{x^2} erfc(x)` for `x >= 2` by the Laplace continued fraction (modified Lentz). */
function erfcxContinuedFraction(x: number): number {
  const tiny = 1e-300;
  let f = x, c = x, d = 0;
  for (let n = 1; n < 5000; n++) {
    const a = n / 2;
    d = x + a * d;
    d = Math.abs(d) < tiny ? 1 / tiny : 1 / d;
    c = x + a / c;
    if (Math.abs(c) < tiny) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return 1 / (SQRT_PI * f);
}

/** `erf(x)` for `0 <= x < 3` by the series `2/sqrt(pi) e^{-x^2} sum 2^n x^{2n+1} / (2n+1)!!`. */
function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x, sum = x;
  for (let n = 1; n < 500; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return (2 / SQRT_PI) * Math.exp(-x2) * sum;
}

/**
 * The complementary error function `erfc(x) = 1 - erf(x)`, with relative accuracy near 1e-14
 * over the whole real line (it underflows to 0 beyond x = 27; use {@linkcode logErfc} there).
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < 2) return 1 - erfSeries(x);
  return Math.exp(-x * x) * erfcxContinuedFraction(x);
}

/** `log(erfc(x))`, finite for every finite `x` (no underflow in the far tail). */
export function logErfc(x: number): number {
  if (x === Infinity) return -Infinity;
  if (x < 2) return Math.log(erfc(x));
  return -x * x + Math.log(erfcxContinuedFraction(x));
}

/** The standard normal distribution function `Phi(x)`. */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

/** The standard normal density. */
export function normalPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}
