/**
 * Privacy loss distributions of both neighbouring directions ("remove" and "add") kept together,
 * so that releases of different kinds (DP-SGD phases with different step counts, a Gaussian
 * histogram, a pure-DP release) compose by convolving their distributions direction by
 * direction: one added or removed record is the same record in every release.
 *
 * @module
 */
import { checkDelta } from "../../check/mod.ts";
import { PrivacyLossDistribution, subsampledGaussianPld } from "./pld.ts";

/** The (pessimistic) privacy loss distributions of one release in both directions. */
export interface PldPair {
  /** The distribution of the "remove" direction. */
  readonly remove: PrivacyLossDistribution;
  /** The distribution of the "add" direction. */
  readonly add: PrivacyLossDistribution;
}

/** Epsilon of a {@linkcode PldPair} at a delta: the larger of the two directions. */
export interface PairEpsilon {
  /** The max of both directions. */
  epsilon: number;
  /** Epsilon of the remove direction. */
  remove: number;
  /** Epsilon of the add direction. */
  add: number;
}

/** Self-compositions already computed, keyed by parameters (a small bounded cache). */
const CACHE = new Map<string, PldPair>();
const CACHE_SIZE = 64;

/**
 * The pair of `steps` composed steps of the Poisson-subsampled Gaussian mechanism on the grid
 * `interval` (`sampleRate` 1 and `steps` 1: the Gaussian mechanism). Results are cached, so the
 * calibration's bisection and the budget's ledger share the work.
 *
 * @example
 * ```ts
 * import { pairEpsilon, subsampledGaussianPair } from "./pld_pair.ts";
 * pairEpsilon(subsampledGaussianPair({ sampleRate: 0.05, noiseMultiplier: 2, steps: 200,
 *   interval: 2 ** -12 }), 1e-5).epsilon;
 * ```
 * @throws {RangeError} for out-of-range parameters (see {@linkcode subsampledGaussianPld}).
 */
export function subsampledGaussianPair(
  p: { sampleRate: number; noiseMultiplier: number; steps: number; interval: number },
): PldPair {
  if (!(Number.isInteger(p.steps) && p.steps >= 1)) {
    throw new RangeError(`expected a whole number of steps >= 1, received ${p.steps}`);
  }
  const key = `${p.sampleRate}/${p.noiseMultiplier}/${p.steps}/${p.interval}`;
  const hit = CACHE.get(key);
  if (hit) return hit;
  const one = (direction: "remove" | "add") =>
    subsampledGaussianPld({ ...p, direction }).selfCompose(p.steps);
  const pair = { remove: one("remove"), add: one("add") };
  if (CACHE.size >= CACHE_SIZE) CACHE.delete(CACHE.keys().next().value!);
  CACHE.set(key, pair);
  return pair;
}

/**
 * The pair of a pure `epsilon`-DP release: the randomized-response pair, which dominates every
 * `epsilon`-DP mechanism in both directions (Kairouz, Oh and Viswanath 2015), its losses
 * `+-epsilon` rounded UP to the grid (pessimistic: the hockey-stick divergence only grows).
 *
 * @example
 * ```ts
 * import { pairEpsilon, pureDpPair } from "./pld_pair.ts";
 * pairEpsilon(pureDpPair(0.5, 1e-3), 1e-6).epsilon; // 0.5 (rounded up to the grid)
 * ```
 * @throws {RangeError} for an epsilon that is not finite and > 0, or a bad interval.
 */
export function pureDpPair(epsilon: number, interval: number): PldPair {
  if (!(epsilon > 0 && Number.isFinite(epsilon))) {
    throw new RangeError(`expected a finite epsilon > 0, received ${epsilon}`);
  }
  const hi = Math.ceil(epsilon / interval - 1e-9), lo = Math.ceil(-epsilon / interval - 1e-9);
  const probabilities = new Float64Array(hi - lo + 1);
  probabilities[0] = 1 / (1 + Math.exp(epsilon));
  probabilities[hi - lo] += 1 / (1 + Math.exp(-epsilon));
  const pld = new PrivacyLossDistribution({ interval, offset: lo, probabilities, infinityMass: 0 });
  return { remove: pld, add: pld };
}

/**
 * The composition of several pairs (direction by direction).
 *
 * @throws {RangeError} for an empty list or pairs on different grids.
 */
export function composePairs(pairs: readonly PldPair[]): PldPair {
  if (pairs.length === 0) throw new RangeError("expected at least one pair, received none");
  return pairs.slice(1).reduce(
    (acc, p) => ({ remove: acc.remove.compose(p.remove), add: acc.add.compose(p.add) }),
    pairs[0],
  );
}

/**
 * The epsilon of a pair at `delta` (the larger of both directions).
 *
 * @throws {RangeError} for delta outside (0, 1).
 */
export function pairEpsilon(pair: PldPair, delta: number): PairEpsilon {
  checkDelta(delta);
  const remove = pair.remove.getEpsilon(delta), add = pair.add.getEpsilon(delta);
  return { epsilon: Math.max(remove, add), remove, add };
}
