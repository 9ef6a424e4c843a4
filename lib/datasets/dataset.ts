/**
 * The in-memory form every loader returns: examples as one row-major `Float32Array`, labels as
 * class indices.
 *
 * @module
 */

/**
 * A labelled data set held in memory.
 *
 * Example `i` occupies `x[i * size, (i + 1) * size)` where `size` is the product of `shape`;
 * images are `[height, width, channels]` in row-major (TensorFlow's NHWC) order.
 */
export interface Dataset {
  /** `count x prod(shape)` values, row-major. Units are loader-specific (see each loader). */
  x: Float32Array;
  /** Class index of each example, in `[0, classes.length)`. */
  y: Int32Array;
  /** Number of examples. */
  count: number;
  /** Shape of one example, e.g. `[8, 8, 1]` or `[30]`. */
  shape: number[];
  /** Class names, indexed by label. */
  classes: string[];
  /** Name for people and reports, e.g. `"uci-digits/train"`. */
  name: string;
}

/** A train/test pair of data sets with the same shape and classes. */
export interface DatasetSplit {
  /** The examples a model may be trained on. */
  train: Dataset;
  /** The held-out examples accuracy is measured on. */
  test: Dataset;
}

/**
 * Number of values in one example of `dataset` (the product of its shape).
 *
 * @example
 * ```ts
 * import { exampleSize } from "./dataset.ts";
 * exampleSize({ shape: [8, 8, 1] }); // 64
 * ```
 */
function exampleSize(dataset: Pick<Dataset, "shape">): number {
  return dataset.shape.reduce((a, b) => a * b, 1);
}

/**
 * Number of examples of each class, indexed by label.
 *
 * @example
 * ```ts
 * import { classCounts, loadUciDigits } from "./mod.ts";
 * const { train } = await loadUciDigits();
 * console.log(classCounts(train)); // [130, 131, ...]
 * ```
 */
export function classCounts(dataset: Pick<Dataset, "y" | "classes">): number[] {
  const counts = new Array<number>(dataset.classes.length).fill(0);
  for (const label of dataset.y) counts[label]++;
  return counts;
}

/**
 * A new data set holding the examples at `indices` (in that order) of `dataset`. The values are
 * copied, so the result does not share memory with `dataset`.
 *
 * @throws {RangeError} when an index is not an integer in `[0, dataset.count)`.
 */
export function subset(dataset: Dataset, indices: ArrayLike<number>, name?: string): Dataset {
  const size = exampleSize(dataset);
  const x = new Float32Array(indices.length * size);
  const y = new Int32Array(indices.length);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    if (!Number.isInteger(i) || i < 0 || i >= dataset.count) {
      throw new RangeError(
        `subset of ${dataset.name}: expected indices in [0, ${dataset.count}), received ${i}`,
      );
    }
    x.set(dataset.x.subarray(i * size, (i + 1) * size), k * size);
    y[k] = dataset.y[i];
  }
  return {
    x,
    y,
    count: indices.length,
    shape: [...dataset.shape],
    classes: [...dataset.classes],
    name: name ?? `${dataset.name}/subset`,
  };
}
