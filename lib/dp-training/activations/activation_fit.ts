/**
 * Polynomial approximations of activations, fitted to minimise the mean squared error under a
 * pre-activation distribution: the unconstrained least-squares polynomial (normal equations),
 * and the best polynomial whose coefficients are each zero or a signed power of two in a
 * bounded exponent range, by exhaustive search (so it is the exact optimum of that set). The
 * latter is the "optimal quantized activation" of Faster CryptoNets: multiplying by its
 * coefficients costs one single-coefficient plaintext multiplication (or nothing) under HE.
 *
 * @module
 */
import {
  type ActivationName,
  ACTIVATIONS,
  normalDistribution,
  type PreActivationDistribution,
} from "./activation_functions.ts";

/** A fitted polynomial. */
export interface PolynomialFit {
  /** Coefficients, ascending powers. */
  coefficients: number[];
  /** Mean squared error `E[(f(x) - p(x))^2]` under the distribution. */
  mse: number;
}

/** A fitted polynomial whose coefficients are zero or signed powers of two. */
export interface Pow2PolynomialFit extends PolynomialFit {
  /** Per coefficient: `null` for zero, else `{ sign, exponent }` with value `sign * 2^exponent`. */
  terms: ({ sign: 1 | -1; exponent: number } | null)[];
}

/** The moments the fits need: `M[a][b] = E[x^(a+b)]`, `v[a] = E[f x^a]`, `ff = E[f^2]`. */
export interface FitMoments {
  /** Polynomial degree. */
  degree: number;
  /** `gram[a][b] = E[x^(a+b)]`. */
  gram: number[][];
  /** `target[a] = E[f(x) x^a]`. */
  target: number[];
  /** `E[f(x)^2]`. */
  energy: number;
}

function checkDegree(degree: number): void {
  if (!Number.isInteger(degree) || degree < 1 || degree > 8) {
    throw new RangeError(`expected a polynomial degree in 1..8, received ${degree}`);
  }
}

/** The moments of `f` under `dist` up to the given degree. */
export function fitMoments(
  f: (x: number) => number,
  degree: number,
  dist: PreActivationDistribution,
): FitMoments {
  checkDegree(degree);
  const n = degree + 1;
  const pm = new Float64Array(2 * degree + 1), tv = new Float64Array(n);
  let energy = 0;
  for (let k = 0; k < dist.nodes.length; k++) {
    const x = dist.nodes[k], w = dist.weights[k], fx = f(x);
    energy += w * fx * fx;
    let p = w;
    for (let a = 0; a <= 2 * degree; a++) {
      pm[a] += p;
      if (a < n) tv[a] += p * fx;
      p *= x;
    }
  }
  const gram = Array.from({ length: n }, (_, a) => Array.from({ length: n }, (_, b) => pm[a + b]));
  return { degree, gram, target: Array.from(tv), energy };
}

/** `E[(f - p)^2] = ff - 2 c.v + c^T M c` for coefficients `c`. */
export function momentsMse(m: FitMoments, c: readonly number[]): number {
  let q = 0, lin = 0;
  for (let a = 0; a < c.length; a++) {
    lin += c[a] * m.target[a];
    for (let b = 0; b < c.length; b++) q += c[a] * c[b] * m.gram[a][b];
  }
  return Math.max(0, m.energy - 2 * lin + q);
}

/** The mean squared error of given coefficients against `f` under `dist`. */
export function polynomialMse(
  f: (x: number) => number,
  coefficients: readonly number[],
  dist: PreActivationDistribution,
): number {
  return momentsMse(fitMoments(f, coefficients.length - 1, dist), coefficients);
}

/**
 * Solves the square system `a x = b` by Gaussian elimination with partial pivoting (the normal
 * equations of the fits here are small and well scaled).
 *
 * @example
 * ```ts
 * import { solveLinearSystem } from "./activation_fit.ts";
 * solveLinearSystem([[2, 0], [0, 4]], [2, 2]); // [1, 0.5]
 * ```
 * @throws {RangeError} when the system is singular.
 */
export function solveLinearSystem(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
    [m[c], m[p]] = [m[p], m[c]];
    if (Math.abs(m[c][c]) < 1e-300) {
      throw new RangeError(
        `expected a non-singular ${n}x${n} system, received one singular at column ${c}`,
      );
    }
    for (let r = c + 1; r < n; r++) {
      const k = m[r][c] / m[c][c];
      for (let j = c; j <= n; j++) m[r][j] -= k * m[c][j];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r][n];
    for (let j = r + 1; j < n; j++) s -= m[r][j] * x[j];
    x[r] = s / m[r][r];
  }
  return x;
}

/**
 * The least-squares polynomial of a given degree.
 *
 * @example
 * ```ts
 * import { ACTIVATIONS, normalDistribution } from "./activation_functions.ts";
 * import { leastSquaresFit } from "./activation_fit.ts";
 * const fit = leastSquaresFit(ACTIVATIONS.relu, 2, normalDistribution());
 * // fit.coefficients ~ [0.1995, 0.5, 0.1995] (1/sqrt(8 pi), 1/2, 1/sqrt(8 pi))
 * ```
 */
export function leastSquaresFit(
  f: (x: number) => number,
  degree: number,
  dist: PreActivationDistribution,
): PolynomialFit {
  const m = fitMoments(f, degree, dist);
  const coefficients = solveLinearSystem(m.gram, m.target);
  return { coefficients, mse: momentsMse(m, coefficients) };
}

/** Exponent bounds of the power-of-two search. */
export interface Pow2SearchRange {
  /** Smallest exponent (e.g. -8 for 1/256). */
  minExponent: number;
  /** Largest exponent (e.g. 2 for 4). */
  maxExponent: number;
}

/** The default search range: coefficients in `{0} u {+-2^e : -8 <= e <= 2}`. */
export const DEFAULT_POW2_RANGE: Readonly<Pow2SearchRange> = Object.freeze({
  minExponent: -8,
  maxExponent: 2,
});

/**
 * The best polynomial of a given degree whose coefficients are each zero or `+-2^e` with
 * `e` in the range: every combination is evaluated (exact search), ties go to the first found
 * (smaller magnitudes and zeros come first). The leading coefficient may come out zero, in which
 * case the polynomial has a lower degree.
 *
 * @example
 * ```ts
 * import { ACTIVATIONS, normalDistribution } from "./activation_functions.ts";
 * import { pow2Fit } from "./activation_fit.ts";
 * const fit = pow2Fit(ACTIVATIONS.relu, 2, normalDistribution());
 * // fit.coefficients: [0.25, 0.5, 0.25] under N(0, 1)
 * ```
 */
export function pow2Fit(
  f: (x: number) => number,
  degree: number,
  dist: PreActivationDistribution,
  range: Pow2SearchRange = DEFAULT_POW2_RANGE,
): Pow2PolynomialFit {
  const { minExponent: lo, maxExponent: hi } = range;
  if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo > hi || hi - lo > 40) {
    throw new RangeError(
      `expected integer exponents minExponent <= maxExponent within 40 of each other, received ` +
        `[${lo}, ${hi}]`,
    );
  }
  const m = fitMoments(f, degree, dist);
  const values = [0];
  for (let e = lo; e <= hi; e++) values.push(2 ** e, -(2 ** e));
  const n = degree + 1, V = values.length;
  // Precomputed pieces so each combination costs O(degree) on top of its prefix.
  const idx = new Array<number>(n).fill(0);
  const c = new Array<number>(n).fill(0);
  let best = Infinity, bestC: number[] = c.slice();
  // Depth-first over coefficients with incremental quadratic form:
  // partial(k) = sum_{a,b<k} c_a c_b M_ab - 2 sum_{a<k} c_a v_a.
  const partial = new Float64Array(n + 1);
  const rec = (k: number): void => {
    if (k === n) {
      const mse = m.energy + partial[n];
      if (mse < best - 1e-15) {
        best = mse;
        bestC = c.slice();
      }
      return;
    }
    for (let vi = 0; vi < V; vi++) {
      const ck = values[vi];
      idx[k] = vi;
      c[k] = ck;
      let cross = 0;
      for (let a = 0; a < k; a++) cross += c[a] * m.gram[a][k];
      partial[k + 1] = partial[k] + 2 * ck * cross + ck * ck * m.gram[k][k] - 2 * ck * m.target[k];
      rec(k + 1);
    }
    c[k] = 0;
  };
  rec(0);
  const terms = bestC.map((v) =>
    v === 0
      ? null
      : { sign: (v < 0 ? -1 : 1) as 1 | -1, exponent: Math.round(Math.log2(Math.abs(v))) }
  );
  return { coefficients: bestC, mse: Math.max(0, best), terms };
}

/** The activation a head is trained with: a label and real coefficients (ascending). */
export interface QuantizedActivation {
  /** e.g. `relu-aq` (power-of-two fit of ReLU), `swish-aq3`, `square`. */
  kind: string;
  /** Coefficients, each zero or a signed power of two. */
  coefficients: number[];
  /** The distribution the fit was made under. */
  distribution: string;
  /** Its mean squared error against the exact function under that distribution (0 for square). */
  mse: number;
}

/**
 * The optimal power-of-two activation of a given degree for a named function under `N(0, 1)`
 * (the pre-activations of a head initialised for unit variance), or the CryptoNets square.
 *
 * @example
 * ```ts
 * import { quantizedActivation } from "./activation_fit.ts";
 * quantizedActivation("relu", 2).coefficients; // [0.125, 0.5, 0.25]
 * ```
 * @throws {RangeError} when the fit degenerates to degree < 1 (e.g. a constant).
 */
export function quantizedActivation(
  name: ActivationName | "square",
  degree = 2,
  dist: PreActivationDistribution = normalDistribution(),
): QuantizedActivation {
  if (name === "square") {
    return { kind: "square", coefficients: [0, 0, 1], distribution: "none", mse: 0 };
  }
  const fit = pow2Fit(ACTIVATIONS[name], degree, dist);
  const c = [...fit.coefficients];
  while (c.length > 2 && c[c.length - 1] === 0) c.pop();
  if (c[c.length - 1] === 0) {
    throw new RangeError(
      `expected a power-of-two fit of ${name} of degree >= 1, received ${JSON.stringify(c)}`,
    );
  }
  return {
    kind: `${name}-aq${degree === 2 ? "" : degree}`,
    coefficients: c,
    distribution: dist.label,
    mse: fit.mse,
  };
}
