/**
 * Fashion-MNIST as a user would hold it: PNG files in one sub-folder per class (the class names
 * as folder names), a `train/` and a `test/` folder, and optionally a `public-mnist/` folder of
 * MNIST digits (public data for the reduction and the quantization scale).
 *
 * @module
 */
import {
  type Dataset,
  FASHION_MNIST_CLASSES,
  loadFashionMnist,
  loadMnist,
  writeImageFolder,
} from "../../lib/datasets/mod.ts";

/** Folder name of a Fashion-MNIST class (`/` is not allowed in a folder name). */
function classFolderName(name: string): string {
  return name.replace(/\//g, "_");
}

/** The Fashion-MNIST class folder names, by label (`T-shirt_top`, `Trouser`, ...). */
export const FASHION_FOLDERS: readonly string[] = FASHION_MNIST_CLASSES.map(classFolderName);

/** Options of {@linkcode exportFashionMnist}. */
export interface ExportOptions {
  /** Training images to write (the first N of the official split; default all 60,000). */
  train?: number;
  /** Test images to write (the first N of the official split; default all 10,000). */
  test?: number;
  /** Public MNIST training digits to write to `public-mnist/` (default 0: none). */
  publicMnist?: number;
  /** Folder of the IDX files (default Debian's). */
  dir?: string;
}

/** What {@linkcode exportFashionMnist} wrote. */
export interface ExportSummary {
  /** Files per folder. */
  files: { train: number; test: number; publicMnist: number };
  /** Class folder names. */
  classes: string[];
}

function first(d: Dataset, n: number | undefined): number[] {
  const count = Math.min(n ?? d.count, d.count);
  if (!Number.isInteger(count) || count < 0) {
    throw new RangeError(`expected a count in [0, ${d.count}], received ${n}`);
  }
  return Array.from({ length: count }, (_, i) => i);
}

/**
 * Writes `out/train/<class>/<index>.png` and `out/test/<class>/<index>.png` (8-bit grey PNG,
 * the IDX grey levels unchanged), and `out/public-mnist/<digit>/<index>.png` when asked.
 *
 * @throws {DatasetUnavailableError} when `dataset-fashion-mnist` is not installed.
 *
 * @example
 * ```ts
 * import { exportFashionMnist } from "./export.ts";
 * await exportFashionMnist("/tmp/fashion", { train: 300, test: 100 });
 * ```
 */
export async function exportFashionMnist(
  out: string,
  o: ExportOptions = {},
): Promise<ExportSummary> {
  const files = { train: 0, test: 0, publicMnist: 0 };
  for (const split of ["train", "test"] as const) {
    const d = await loadFashionMnist(split, o.dir === undefined ? {} : { dir: o.dir });
    const renamed = { ...d, classes: [...FASHION_FOLDERS] };
    files[split] = await writeImageFolder(renamed, `${out}/${split}`, {
      indices: first(d, o[split]),
    });
  }
  if ((o.publicMnist ?? 0) > 0) {
    const m = await loadMnist("train");
    files.publicMnist = await writeImageFolder(m, `${out}/public-mnist`, {
      indices: first(m, o.publicMnist),
    });
  }
  return { files, classes: [...FASHION_FOLDERS] };
}
