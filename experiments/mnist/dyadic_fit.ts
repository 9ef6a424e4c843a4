/**
 * The least-squares polynomial of an activation with coefficients on a common dyadic grid
 * `k * 2^-g`: the smallest shift `g` is chosen whose rounded polynomial stays within a relative
 * tolerance of the unconstrained least-squares error. The coefficients are rounded from the
 * highest degree down, and after each rounding the lower ones are refitted (least squares with
 * the higher ones fixed), so the rounding error of one coefficient is compensated by the others.
 * The shift `g` is what the activation adds to the fixed-point scale of the integer network (the
 * output scale is `d f + g`), so a small `g` keeps the encrypted integers small.
 *
 * @module
 */
import {
  type FitMoments,
  fitMoments,
  momentsMse,
  type PreActivationDistribution,
  solveLinearSystem,
} from "../../lib/dp-training/mod.ts";
import { MnistVariantError } from "./errors.ts";

/** A dyadic least-squares fit. */
export interface DyadicFit {
  /** Coefficients (ascending), each a multiple of `2^-shift`; the leading one nonzero. */
  coefficients: number[];
  /** The common shift `g`. */
  shift: number;
  /** Mean squared error of the rounded polynomial. */
  mse: number;
  /** The unconstrained least-squares coefficients. */
  exact: number[];
  /** Their mean squared error. */
  exactMse: number;
}

/** Options of {@linkcode dyadicLeastSquaresFit}. */
export interface DyadicFitOptions {
  /** Largest relative increase of the error over least squares (default 0.05: 5%). */
  tolerance?: number;
  /** Largest shift tried (default 20). */
  maxShift?: number;
}

/** Least squares of the coefficients below `k` with those from `k` up fixed. */
function refitBelow(m: FitMoments, c: number[], k: number): void {
  if (k === 0) return;
  const gram = m.gram.slice(0, k).map((row) => row.slice(0, k));
  const rhs = Array.from({ length: k }, (_, a) => {
    let s = m.target[a];
    for (let j = k; j < c.length; j++) s -= m.gram[a][j] * c[j];
    return s;
  });
  solveLinearSystem(gram, rhs).forEach((v, a) => (c[a] = v));
}

function roundedAt(m: FitMoments, shift: number): number[] | null {
  const c = new Array<number>(m.degree + 1).fill(0);
  refitBelow(m, c, m.degree + 1);
  const grid = 2 ** shift;
  for (let k = m.degree; k >= 0; k--) {
    c[k] = Math.round(c[k] * grid) / grid;
    if (k === m.degree && c[k] === 0) return null;
    refitBelow(m, c, k);
  }
  return c;
}

/**
 * The dyadic least-squares polynomial of `f` of a given degree under `dist`.
 *
 * @example
 * ```ts
 *  * import { dyadicLeastSquaresFit } from "./dyadic_fit.ts";
 * const fit = dyadicLeastSquaresFit(ACTIVATIONS.relu, 2, normalDistribution(0, 2));
 * // fit.coefficients: [0.4375, 0.5, 0.09375] (shift 5), within 5% of least squares
 * ```
 * @throws {MnistVariantError} when no shift up to `maxShift` reaches the tolerance.
 */
export function dyadicLeastSquaresFit(
  f: (x: number) => number,
  degree: number,
  dist: PreActivationDistribution,
  options: DyadicFitOptions = {},
): DyadicFit {
  const tolerance = options.tolerance ?? 0.05, maxShift = options.maxShift ?? 20;
  if (!(tolerance >= 0) || !Number.isInteger(maxShift) || maxShift < 0 || maxShift > 52) {
    throw new MnistVariantError(
      `expected a tolerance >= 0 and a max shift in 0..52, received ${tolerance} and ${maxShift}`,
    );
  }
  const m = fitMoments(f, degree, dist);
  const exact = new Array<number>(degree + 1).fill(0);
  refitBelow(m, exact, degree + 1);
  const exactMse = momentsMse(m, exact);
  for (let shift = 0; shift <= maxShift; shift++) {
    const c = roundedAt(m, shift);
    if (c === null) continue;
    const mse = momentsMse(m, c);
    if (mse <= exactMse * (1 + tolerance)) return { coefficients: c, shift, mse, exact, exactMse };
  }
  throw new MnistVariantError(
    `expected a dyadic fit with a nonzero degree-${degree} coefficient within ` +
      `${tolerance * 100}% of least squares with a shift <= ${maxShift}, received none ` +
      `(least squares: [${exact}])`,
  );
}
