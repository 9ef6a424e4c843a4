/**
 * The Wisconsin diagnostic breast cancer data set (Wolberg, Street, Mangasarian, 1995; UCI,
 * CC BY 4.0): 569 fine-needle aspirates described by 30 real-valued measurements of the cell
 * nuclei, labelled malignant or benign. The second PRIVATE task of the project, a tabular
 * medical one. The file `data/breast_cancer.csv` is the copy shipped in Debian's
 * `python3-sklearn`.
 *
 * @module
 */
import { type Dataset, type DatasetSplit, subset } from "./dataset.ts";
import { DatasetFormatError } from "./errors.ts";
import { DATA_DIR, readDataFile, shortName } from "./files.ts";
import { parseNumericCsv } from "./csv.ts";
import { stratifiedSplit } from "./split.ts";

/** The committed data file. */
export const BREAST_CANCER_FILE: URL = new URL("breast_cancer.csv", DATA_DIR);
/** Number of examples in the file. */
export const BREAST_CANCER_COUNT = 569;
/** Number of examples held out for testing by {@linkcode loadBreastCancer} (20%). */
export const BREAST_CANCER_TEST_COUNT = 114;
/** Seed of the fixed stratified split (see `docs/data.md`). */
export const BREAST_CANCER_SPLIT_SEED = "faster-cryptonets/breast-cancer/v1";
/** Class names indexed by label, as in the file's header: 0 is malignant, 1 is benign. */
export const BREAST_CANCER_CLASSES: readonly string[] = Object.freeze(["malignant", "benign"]);

const MEASURES = [
  "radius",
  "texture",
  "perimeter",
  "area",
  "smoothness",
  "compactness",
  "concavity",
  "concave points",
  "symmetry",
  "fractal dimension",
];

/**
 * Names of the 30 columns in file order: the mean, the standard error and the "worst" (mean of
 * the three largest values) of 10 measurements of the nuclei in the image.
 */
export const BREAST_CANCER_FEATURES: readonly string[] = Object.freeze([
  ...MEASURES.map((m) => `mean ${m}`),
  ...MEASURES.map((m) => `${m} error`),
  ...MEASURES.map((m) => `worst ${m}`),
]);

/**
 * Reads all 569 examples in file order: shape `[30]`, raw measurements in their original units
 * (no standardisation; see `lib/feature-extractor/` for the public one).
 *
 * @param path The CSV file; defaults to the committed `data/breast_cancer.csv`.
 * @throws {DatasetFormatError} when the header is not `569,30,malignant,benign`, a row is not 30
 *   non-negative numbers and a label 0 or 1, or the row count differs from the header.
 */
export async function readBreastCancer(
  path: string | URL = BREAST_CANCER_FILE,
): Promise<Dataset> {
  const file = shortName(path);
  const text = new TextDecoder().decode(
    await readDataFile(path, "the file is committed in the repository under data/"),
  );
  const newline = text.indexOf("\n");
  const header = (newline < 0 ? text : text.slice(0, newline)).trim();
  const expectedHeader = `${BREAST_CANCER_COUNT},30,${BREAST_CANCER_CLASSES.join(",")}`;
  if (header !== expectedHeader) {
    throw new DatasetFormatError(
      file,
      `expected the header ${JSON.stringify(expectedHeader)}, received ` +
        JSON.stringify(header.slice(0, 60)),
    );
  }
  const rows = parseNumericCsv(newline < 0 ? "" : text.slice(newline + 1), file, 31, 2);
  if (rows.length !== BREAST_CANCER_COUNT) {
    throw new DatasetFormatError(
      file,
      `expected ${BREAST_CANCER_COUNT} rows, received ${rows.length}`,
    );
  }
  const x = new Float32Array(BREAST_CANCER_COUNT * 30);
  const y = new Int32Array(BREAST_CANCER_COUNT);
  rows.forEach((row, i) => {
    const label = row[30];
    if (label !== 0 && label !== 1) {
      throw new DatasetFormatError(
        file,
        `line ${i + 2}, field 31: expected the label 0 or 1, received ${label}`,
      );
    }
    for (let j = 0; j < 30; j++) {
      if (row[j] < 0) {
        throw new DatasetFormatError(
          file,
          `line ${i + 2}, field ${j + 1}: expected a non-negative measurement, received ${row[j]}`,
        );
      }
    }
    x.set(row.slice(0, 30), i * 30);
    y[i] = label;
  });
  return {
    x,
    y,
    count: BREAST_CANCER_COUNT,
    shape: [30],
    classes: [...BREAST_CANCER_CLASSES],
    name: "breast-cancer",
  };
}

/**
 * Loads the breast cancer data with the project's fixed split: 455 training and 114 test
 * examples, stratified by class, seed {@linkcode BREAST_CANCER_SPLIT_SEED}. Values are raw.
 *
 * @example
 * ```ts
 * import { loadBreastCancer } from "./mod.ts";
 * const { train, test } = await loadBreastCancer();
 * console.log(train.count, test.count, train.shape); // 455 114 [30]
 * ```
 */
export async function loadBreastCancer(
  options: { path?: string | URL } = {},
): Promise<DatasetSplit> {
  const all = await readBreastCancer(options.path);
  const split = stratifiedSplit(all.y, BREAST_CANCER_TEST_COUNT, BREAST_CANCER_SPLIT_SEED);
  return {
    train: subset(all, split.train, "breast-cancer/train"),
    test: subset(all, split.test, "breast-cancer/test"),
  };
}
