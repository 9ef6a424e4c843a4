/**
 * The "extractor" of the tabular task: a fixed, public standardisation of the 30 breast cancer
 * measurements into `[0, 1]`, then the same fixed-point quantization as image features.
 *
 * Which statistics may be used, and which would leak (see `docs/data.md`):
 *
 * - Public here: the meaning and units of each measurement and an upper bound per measurement
 *   taken from the data set's published description (its summary table of minima and maxima)
 *   rounded OUTWARD to the 1-2-5 series (e.g. a published maximum of 2,501 for mean area
 *   becomes 5,000). The rounding keeps only the order of magnitude of each maximum. Strictly,
 *   the published table was computed from the same 569 patients, so even these bounds are not
 *   free in a formal DP accounting; a deployment would take them from clinical references.
 * - Would leak, and is never used: the mean, standard deviation, exact minimum or maximum, or
 *   quantiles of the private training split (a z-score fitted on the training data ships those
 *   numbers to every client inside the model). An exact maximum is the value of one patient.
 * - DP bounds: lower and upper bounds estimated from the private training split by a DP
 *   mechanism whose cost is spent in the training's privacy budget (`dpTabularBounds` of
 *   `lib/dp-training/`, a noisy histogram over a public grid): the default of the breast cancer
 *   head and of CSV files without user-given bounds.
 *
 * @module
 */
import { type InputSpec, quantizeFeatures } from "../model/mod.ts";
import { BREAST_CANCER_FEATURES } from "../datasets/mod.ts";
import { extractorId } from "./content_hash.ts";

/**
 * A transform of tabular rows into bounded features, fixed by public or DP bounds: for column
 * `j`, `f = sqrt(clamp((x - lower[j]) / (upper[j] - lower[j]), 0, 1))` (the square root spreads
 * the many small values of the skewed measurements such as areas), then quantization.
 */
export interface TabularStandardizer {
  /** Content hash of the definition (bounds, transform, quantization), like an extractor id. */
  readonly id: string;
  /** Name for people. */
  readonly name: string;
  /** Column names. */
  readonly columns: readonly string[];
  /** Upper bound of each column (public, or DP). */
  readonly upper: readonly number[];
  /** Lower bound of each column (public, or DP; 0 unless given). */
  readonly lower: readonly number[];
  /** Number of features (the number of columns). */
  readonly featureDim: number;
  /** How the `[0, 1]` features become HE input integers. */
  readonly quantization: InputSpec;
  /**
   * Features in `[0, 1]` of `count` rows (`count x featureDim` values, row-major).
   *
   * @throws {RangeError} when `x` does not hold `count` rows.
   */
  transform(x: Float32Array, count: number): Float32Array;
  /** {@linkcode TabularStandardizer.transform} then quantization: the integers to encrypt. */
  transformQuantized(x: Float32Array, count: number): Int32Array;
}

/**
 * Public upper bounds of the 30 breast cancer columns, in file order: the published maxima
 * rounded up to the 1-2-5 series.
 */
export const BREAST_CANCER_PUBLIC_UPPER: readonly number[] = Object.freeze([
  // means
  50,
  50,
  200,
  5000,
  0.2,
  0.5,
  0.5,
  0.5,
  0.5,
  0.1,
  // standard errors
  5,
  5,
  50,
  1000,
  0.05,
  0.2,
  0.5,
  0.1,
  0.1,
  0.05,
  // worst
  50,
  50,
  500,
  5000,
  0.5,
  2,
  2,
  0.5,
  1,
  0.5,
]);

/** Quantization of standardised tabular features: 5 bits, `round(f * 32)` clamped to 31. */
export const TABULAR_QUANTIZATION: Readonly<InputSpec> = Object.freeze({
  shape: [30],
  min: 0,
  max: 31,
  scale_log2: 5,
});

/**
 * The public standardisation of the breast cancer data set.
 *
 * @example
 * ```ts
 * import { breastCancerStandardizer } from "./mod.ts";
 * import { loadBreastCancer } from "../datasets/mod.ts";
 * const std = breastCancerStandardizer();
 * const { test } = await loadBreastCancer();
 * const ints = std.transformQuantized(test.x, test.count); // 114 x 30 integers in [0, 31]
 * ```
 */
export function breastCancerStandardizer(): Promise<TabularStandardizer> {
  return tabularStandardizer(
    "breast-cancer-public-sqrt",
    BREAST_CANCER_FEATURES,
    BREAST_CANCER_PUBLIC_UPPER,
    TABULAR_QUANTIZATION,
  );
}

/**
 * A {@linkcode TabularStandardizer} from explicit bounds (public ones, or DP ones whose cost was
 * spent); without `lower` every lower bound is 0.
 *
 * @throws {RangeError} when the columns, bounds and quantization shape disagree in length, or
 *   an upper bound is not above its lower bound (not positive, without `lower`).
 */
export async function tabularStandardizer(
  name: string,
  columns: readonly string[],
  upper: readonly number[],
  quantization: InputSpec,
  lower?: readonly number[],
): Promise<TabularStandardizer> {
  const dim = columns.length, lo = lower ?? upper.map(() => 0);
  if (
    upper.length !== dim || lo.length !== dim ||
    quantization.shape.reduce((a, b) => a * b, 1) !== dim
  ) {
    throw new RangeError(
      `expected ${dim} lower and upper bounds and a quantization of shape [${dim}], received ` +
        `${lo.length} and ${upper.length} bounds and shape [${quantization.shape}]`,
    );
  }
  upper.forEach((u, j) => {
    if (!(u > lo[j]) || !Number.isFinite(u) || !Number.isFinite(lo[j])) {
      throw new RangeError(
        `expected a finite bound above ${lo[j]} for ${columns[j]}, received ${u}`,
      );
    }
  });
  const definition = JSON.stringify(
    lower === undefined
      ? { name, transform: "sqrt(clamp(x/upper,0,1))", upper, quantization }
      : { name, transform: "sqrt(clamp((x-lower)/(upper-lower),0,1))", lower, upper, quantization },
  );
  const id = await extractorId([new TextEncoder().encode(definition)]);
  const transform = (x: Float32Array, count: number): Float32Array => {
    if (x.length !== count * dim) {
      throw new RangeError(
        `expected ${count} rows of ${dim} values (${count * dim}), received ${x.length} values`,
      );
    }
    const out = new Float32Array(x.length);
    for (let i = 0; i < x.length; i++) {
      const j = i % dim, r = (x[i] - lo[j]) / (upper[j] - lo[j]);
      out[i] = Math.sqrt(r > 0 ? (r < 1 ? r : 1) : 0);
    }
    return out;
  };
  return {
    id,
    name,
    columns,
    upper,
    lower: lo,
    featureDim: dim,
    quantization: { ...quantization, shape: [...quantization.shape] },
    transform,
    transformQuantized: (x, count) => quantizeFeatures(transform(x, count), quantization),
  };
}
