/**
 * The UCI optical recognition of handwritten digits data set (Alpaydin and Kaynak, 1998; CC BY
 * 4.0): 1,797 digits of 8 x 8 pixels, each pixel the number (0-16) of ink pixels in a 4 x 4 block
 * of a 32 x 32 binary bitmap. Its writers are not MNIST's: this is the PRIVATE data set of the
 * demo. The file `data/digits.csv.gz` is the copy shipped in Debian's `python3-sklearn`.
 *
 * @module
 */
import { type DatasetSplit, subset } from "./dataset.ts";
import type { Dataset } from "./dataset.ts";
import { DatasetFormatError } from "./errors.ts";
import { DATA_DIR, readDataFile, shortName } from "./files.ts";
import { gunzip } from "./gzip.ts";
import { parseNumericCsv } from "./csv.ts";
import { DIGIT_CLASSES } from "./mnist.ts";
import { stratifiedSplit } from "./split.ts";

/** The committed data file. */
export const UCI_DIGITS_FILE: URL = new URL("digits.csv.gz", DATA_DIR);
/** Number of examples in the file. */
export const UCI_DIGITS_COUNT = 1797;
/** Number of examples held out for testing by {@linkcode loadUciDigits}. */
export const UCI_DIGITS_TEST_COUNT = 500;
/** Seed of the fixed stratified split (see `docs/data.md`). */
export const UCI_DIGITS_SPLIT_SEED = "faster-cryptonets/uci-digits/v1";
/** Largest pixel value: a 4 x 4 block has 16 pixels. */
export const UCI_DIGITS_MAX = 16;

/**
 * Reads all 1,797 UCI digits in file order.
 *
 * Examples have shape `[8, 8, 1]` and hold the block counts as floats in `0..16` (unscaled).
 *
 * @param path The gzipped CSV file; defaults to the committed `data/digits.csv.gz`.
 * @throws {DatasetFormatError} when the file is not gzip, is truncated, or has a row that is not
 *   64 integers in 0..16 followed by a label in 0..9, or does not hold exactly 1,797 rows.
 */
export async function readUciDigits(path: string | URL = UCI_DIGITS_FILE): Promise<Dataset> {
  const file = shortName(path);
  const bytes = await gunzip(
    await readDataFile(path, "the file is committed in the repository under data/"),
    file,
  );
  const rows = parseNumericCsv(new TextDecoder().decode(bytes), file, 65);
  if (rows.length !== UCI_DIGITS_COUNT) {
    throw new DatasetFormatError(
      file,
      `expected ${UCI_DIGITS_COUNT} rows, received ${rows.length}`,
    );
  }
  const x = new Float32Array(UCI_DIGITS_COUNT * 64);
  const y = new Int32Array(UCI_DIGITS_COUNT);
  rows.forEach((row, i) => {
    for (let j = 0; j < 65; j++) {
      const v = row[j];
      const max = j < 64 ? UCI_DIGITS_MAX : 9;
      if (!Number.isInteger(v) || v < 0 || v > max) {
        throw new DatasetFormatError(
          file,
          `line ${i + 1}, field ${j + 1}: expected an integer in [0, ${max}], received ${v}`,
        );
      }
    }
    x.set(row.slice(0, 64), i * 64);
    y[i] = row[64];
  });
  return {
    x,
    y,
    count: UCI_DIGITS_COUNT,
    shape: [8, 8, 1],
    classes: [...DIGIT_CLASSES],
    name: "uci-digits",
  };
}

/**
 * Loads the UCI digits with the project's fixed split: 1,297 training and 500 test examples,
 * stratified by class, seed {@linkcode UCI_DIGITS_SPLIT_SEED} (see {@linkcode stratifiedSplit}).
 * Values are block counts in `0..16`, shape `[8, 8, 1]`.
 *
 * @example
 * ```ts
 * import { loadUciDigits } from "./mod.ts";
 * const { train, test } = await loadUciDigits();
 * console.log(train.count, test.count); // 1297 500
 * ```
 */
export async function loadUciDigits(
  options: { path?: string | URL } = {},
): Promise<DatasetSplit> {
  const all = await readUciDigits(options.path);
  const split = stratifiedSplit(all.y, UCI_DIGITS_TEST_COUNT, UCI_DIGITS_SPLIT_SEED);
  return {
    train: subset(all, split.train, "uci-digits/train"),
    test: subset(all, split.test, "uci-digits/test"),
  };
}
