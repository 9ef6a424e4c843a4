/**
 * Differentially private bounds of the columns of a private table (for the tabular
 * standardiser), so that no exact minimum, maximum or quantile of a private record reaches the
 * model file outside the accountant.
 *
 * Mechanism: a noisy histogram. Each column's values are counted in the bins of one PUBLIC,
 * data-independent grid of edges (`+-` the 1-2-5 series from 1e-6 to 1e9, and 0 between them:
 * {@linkcode BOUND_EDGES}). Adding or removing one record changes one count per column by 1, so
 * the whole `columns x bins` histogram has L2 sensitivity `sqrt(columns)`; Gaussian noise of std
 * `noiseMultiplier * sqrt(columns)` on every count makes it a Gaussian mechanism whose cost (an
 * RDP curve and a PLD pair) is returned for the budget accountant. The bounds are then
 * post-processing of the noisy counts only: a bin is "occupied" when its noisy count exceeds
 * `threshold` noise standard deviations (default 3, so an empty bin passes with probability
 * about 0.13%), and a column's bounds are the outer edges of the run of consecutive occupied
 * bins around the bin with the largest noisy count (that bin alone when no neighbour is
 * occupied), so a lone noise spike away from the data does not stretch them. Records beyond
 * the bounds are clamped by the standardiser.
 *
 * @module
 */
import { GaussianMechanism } from "./gaussian_mechanism.ts";
import type { PrivacyCost } from "../accounting/privacy_cost.ts";
import { type RandomSource, secureRandom } from "./random.ts";

/** The 1-2-5 series from 1e-6 to 1e9. */
const SERIES = Array.from({ length: 16 }, (_, k) => 10 ** (k - 6)).flatMap((p) =>
  p === 1e9 ? [p] : [p, 2 * p, 5 * p]
).map((v) => Number(v.toPrecision(1)));

/** The public bin edges, ascending: `-1e9 ... -1e-6, 0, 1e-6 ... 1e9`. */
export const BOUND_EDGES: readonly number[] = Object.freeze([
  ...SERIES.map((v) => -v).reverse(),
  0,
  ...SERIES,
]);

/** Options of {@linkcode dpTabularBounds}. */
export interface DpBoundsOptions {
  /** Noise std of each count divided by the L2 sensitivity `sqrt(columns)`. */
  noiseMultiplier: number;
  /** Occupied-bin threshold in noise standard deviations (default 3). */
  threshold?: number;
  /** Noise source (default: a fresh {@linkcode secureRandom}). */
  random?: RandomSource;
}

/** DP bounds of every column, with what they cost and how they were made. */
export interface DpBounds {
  /** Lower bound of each column (an edge of the public grid). */
  lower: number[];
  /** Upper bound of each column (an edge of the public grid, above the lower one). */
  upper: number[];
  /** The release's privacy cost, for the budget accountant (spend it before training). */
  cost: PrivacyCost;
  /** The noise std of each count. */
  std: number;
  /** One line for the model card. */
  method: string;
}

/** The bin of `v`: `i` such that `BOUND_EDGES[i - 1] < v <= BOUND_EDGES[i]` (0 to edges.length). */
function binOf(v: number): number {
  let lo = 0, hi = BOUND_EDGES.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (v <= BOUND_EDGES[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * DP lower and upper bounds of each column of `count` private rows (`x` row-major,
 * `columns.length` values per row), by the noisy histogram of the module documentation.
 *
 * @example
 * ```ts
 * import { dpTabularBounds } from "./dp_bounds.ts";
 * const x = Float64Array.from({ length: 2000 }, (_, i) => (i % 2 ? 3 : 40) + (i % 7));
 * const b = dpTabularBounds(x, 1000, ["a", "b"], { noiseMultiplier: 4 });
 * // b.lower, b.upper: grid edges around each column; spend b.cost in the training's budget
 * ```
 * @throws {RangeError} for a bad noise multiplier or threshold, a wrong number of values or a
 * value that is not finite.
 */
export function dpTabularBounds(
  x: ArrayLike<number>,
  count: number,
  columns: readonly string[],
  o: DpBoundsOptions,
): DpBounds {
  const d = columns.length, threshold = o.threshold ?? 3;
  if (!(o.noiseMultiplier > 0 && Number.isFinite(o.noiseMultiplier))) {
    throw new RangeError(`expected a noise multiplier > 0, received ${o.noiseMultiplier}`);
  }
  if (!(threshold > 0)) throw new RangeError(`expected a threshold > 0, received ${threshold}`);
  if (x.length !== count * d) {
    throw new RangeError(`expected ${count} rows of ${d} values, received ${x.length} values`);
  }
  const bins = BOUND_EDGES.length + 1, hist = new Float64Array(d * bins);
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i])) {
      throw new RangeError(
        `expected finite values, received ${x[i]} in row ${Math.floor(i / d)}, column ` +
          `${JSON.stringify(columns[i % d])}`,
      );
    }
    hist[(i % d) * bins + binOf(x[i])]++;
  }
  const mech = new GaussianMechanism({
    sensitivity: Math.sqrt(d),
    noiseMultiplier: o.noiseMultiplier,
    random: o.random ?? secureRandom(),
  });
  mech.randomiseInPlace(hist);
  const edge = (i: number) => BOUND_EDGES[Math.max(0, Math.min(BOUND_EDGES.length - 1, i))];
  const lower: number[] = [], upper: number[] = [];
  for (let j = 0; j < d; j++) {
    const count = (b: number) => hist[j * bins + b];
    // The run of occupied bins around the largest noisy count: a lone noise spike far from the
    // data (an empty bin above the threshold) cannot stretch the bounds.
    let mode = 0;
    for (let b = 1; b < bins; b++) if (count(b) > count(mode)) mode = b;
    let first = mode, last = mode;
    while (first > 0 && count(first - 1) > threshold * mech.std) first--;
    while (last < bins - 1 && count(last + 1) > threshold * mech.std) last++;
    lower.push(edge(first - 1));
    upper.push(last === 0 ? edge(1) : edge(last));
  }
  return {
    lower,
    upper,
    cost: mech.cost(
      `dp bounds: noisy histogram of ${d} columns (Gaussian, noise multiplier ` +
        `${o.noiseMultiplier})`,
    ),
    std: mech.std,
    method: `DP bounds: a histogram of each column over the public 1-2-5 grid of edges ` +
      `(+-1e-6 to +-1e9), Gaussian noise of std ${mech.std.toFixed(2)} per count (noise ` +
      `multiplier ${o.noiseMultiplier}, L2 sensitivity sqrt(${d})), bounds at the outer edges ` +
      `of the run of bins above ${threshold} noise std around the largest noisy count; ` +
      "charged to the privacy ledger",
  };
}
