/**
 * Fashion-MNIST (Xiao, Rasul, Vollgraf, Zalando Research, MIT licence): 70,000 28 x 28 grey
 * images of clothes in 10 classes, in MNIST's IDX format. OPTIONAL: read from Debian's
 * `dataset-fashion-mnist` package when it is installed.
 *
 * @module
 */
import type { Dataset } from "./dataset.ts";
import { DatasetUnavailableError } from "./errors.ts";
import { gunzip } from "./gzip.ts";
import { loadIdxPair } from "./mnist.ts";

/** Where Debian's `dataset-fashion-mnist` package installs the gzipped IDX files. */
export const FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist/";

/** Class names of Fashion-MNIST, indexed by label. */
export const FASHION_MNIST_CLASSES: readonly string[] = Object.freeze([
  "T-shirt/top",
  "Trouser",
  "Pullover",
  "Dress",
  "Coat",
  "Sandal",
  "Shirt",
  "Sneaker",
  "Bag",
  "Ankle boot",
]);

const HINT = "Fashion-MNIST is optional; install it with `apt-get install dataset-fashion-mnist`";

/**
 * Whether the Fashion-MNIST files are present (so callers and tests can skip cleanly).
 *
 * @param dir Folder holding the gzipped IDX files.
 */
export async function fashionMnistAvailable(dir: string = FASHION_MNIST_DIR): Promise<boolean> {
  try {
    await Deno.stat(`${dir.replace(/\/?$/, "/")}t10k-labels-idx1-ubyte.gz`);
    return true;
  } catch {
    return false;
  }
}

/**
 * Loads one split of Fashion-MNIST (60,000 train / 10,000 test). Values are grey levels as floats
 * in `0..255`, shape `[28, 28, 1]`, like {@linkcode loadMnist}.
 *
 * @throws {DatasetUnavailableError} when the package is not installed (check first with
 *   {@linkcode fashionMnistAvailable}).
 * @throws {DatasetFormatError} when a file is corrupt.
 *
 * @example
 * ```ts
 * import { fashionMnistAvailable, loadFashionMnist } from "./mod.ts";
 * if (await fashionMnistAvailable()) console.log((await loadFashionMnist("test")).count);
 * ```
 */
export async function loadFashionMnist(
  split: "train" | "test",
  options: { dir?: string } = {},
): Promise<Dataset> {
  const dir = options.dir ?? FASHION_MNIST_DIR;
  if (!(await fashionMnistAvailable(dir))) throw new DatasetUnavailableError(dir, HINT);
  const prefix = split === "train" ? "train" : "t10k";
  return await loadIdxPair({
    dir,
    images: `${prefix}-images-idx3-ubyte.gz`,
    labels: `${prefix}-labels-idx1-ubyte.gz`,
    count: split === "train" ? 60_000 : 10_000,
    classes: FASHION_MNIST_CLASSES,
    name: `fashion-mnist/${split}`,
    hint: HINT,
    decode: gunzip,
  });
}
