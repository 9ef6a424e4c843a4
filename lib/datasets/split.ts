/**
 * Seeded, stratified train/test splits, so that every run and every machine holds out exactly the
 * same examples.
 *
 * @module
 */
// @deno-types="@types/seedrandom"
import seedrandom from "seedrandom";
import { DataError } from "./errors.ts";

/** Indices of the training and test examples of a split, each in increasing order. */
export interface SplitIndices {
  /** Indices of the training examples. */
  train: number[];
  /** Indices of the held-out examples. */
  test: number[];
}

/**
 * Splits examples into train and test so that every class keeps its proportion.
 *
 * Algorithm (stable, documented in `docs/data.md`): for each class `c` with `n_c` examples the test
 * part gets `floor(testCount * n_c / N)` examples, and the examples still missing to reach
 * `testCount` go one each to the classes with the largest fractional remainders (ties to the
 * smaller label). Within a class the examples are shuffled with a Fisher-Yates shuffle driven by
 * `seedrandom(seed)` (ARC4), visiting the classes in increasing label order, and the first ones
 * are held out. Both index lists are returned sorted.
 *
 * @param labels Class index of each example.
 * @param testCount Number of examples to hold out.
 * @param seed Seed string of the shuffle.
 * @throws {RangeError} when `testCount` is not an integer in `[0, labels.length]`.
 *
 * @example
 * ```ts
 * import { stratifiedSplit } from "./split.ts";
 * const { train, test } = stratifiedSplit(new Int32Array([0, 0, 1, 1]), 2, "seed");
 * // one example of each class in `test`
 * ```
 */
export function stratifiedSplit(
  labels: ArrayLike<number>,
  testCount: number,
  seed: string,
): SplitIndices {
  const n = labels.length;
  if (!Number.isInteger(testCount) || testCount < 0 || testCount > n) {
    throw new RangeError(`expected a test count in [0, ${n}], received ${testCount}`);
  }
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const list = byClass.get(labels[i]) ?? [];
    list.push(i);
    byClass.set(labels[i], list);
  }
  const classes = [...byClass.keys()].sort((a, b) => a - b);
  const quota = new Map<number, number>();
  const remainders: { label: number; frac: number }[] = [];
  let assigned = 0;
  for (const c of classes) {
    const exact = (testCount * byClass.get(c)!.length) / n;
    quota.set(c, Math.floor(exact));
    assigned += Math.floor(exact);
    remainders.push({ label: c, frac: exact - Math.floor(exact) });
  }
  remainders.sort((a, b) => b.frac - a.frac || a.label - b.label);
  for (let k = 0; k < testCount - assigned; k++) {
    const c = remainders[k].label;
    quota.set(c, quota.get(c)! + 1);
  }
  const random = seedrandom(seed);
  const train: number[] = [];
  const test: number[] = [];
  for (const c of classes) {
    const members = byClass.get(c)!;
    for (let i = members.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [members[i], members[j]] = [members[j], members[i]];
    }
    const q = quota.get(c)!;
    test.push(...members.slice(0, q));
    train.push(...members.slice(q));
  }
  train.sort((a, b) => a - b);
  test.sort((a, b) => a - b);
  return { train, test };
}

/**
 * The split of a user's data (`deno task train --data ... --test-fraction f`): the
 * {@linkcode stratifiedSplit} of `labels` with `round(f * N)` test examples, under `seed`.
 *
 * @param labels Class index of each example, in the loader's order (image folders: by class, then
 *   by path; CSV files: file order).
 * @param path Named in errors.
 * @throws {DataError} when the test split would be empty, or a class would be left with no
 *   training example.
 * @throws {RangeError} when `fraction` is not in `(0, 1)`.
 */
export function fractionSplit(
  labels: ArrayLike<number>,
  classes: readonly string[],
  fraction: number,
  seed: string,
  path: string,
): SplitIndices {
  if (!(fraction > 0 && fraction < 1)) {
    throw new RangeError(`expected a test fraction in (0, 1), received ${fraction}`);
  }
  const testCount = Math.round(fraction * labels.length);
  if (testCount === 0) {
    throw new DataError(
      { path },
      `expected at least one test example, received none: a test fraction of ${fraction} of ` +
        `${labels.length} examples rounds to 0 (raise --test-fraction or give --test-data)`,
    );
  }
  const split = stratifiedSplit(labels, testCount, seed);
  const trained = new Set(split.train.map((i) => labels[i]));
  const missing = classes.filter((_, k) => !trained.has(k));
  if (missing.length) {
    throw new DataError(
      { path },
      `expected at least one training example of every class after holding out ` +
        `${split.test.length} for testing, received none of ${JSON.stringify(missing)}`,
    );
  }
  return split;
}
