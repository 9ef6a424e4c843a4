/**
 * A user's folder of labelled images: one sub-folder per class (its name is the class name),
 * holding PNG, JPEG or PGM files (any size, grey or colour; nested folders inside a class folder
 * count for that class). The folder is listed first (paths and labels only) and decoded later,
 * batch by batch, so that a folder of 100,000 images never needs all of them in memory.
 *
 * @module
 */
import { DataError } from "./errors.ts";
import type { DecodedImage } from "./image.ts";
import { decodeImage, IMAGE_EXTENSIONS } from "./image_decode.ts";

/** An image file and its class. */
export interface LabelledFile {
  /** Path of the file. */
  readonly path: string;
  /** Class index, into {@linkcode ImageFolder.classes}. */
  readonly label: number;
}

/** The listing of an image folder. */
export interface ImageFolder {
  /** The folder. */
  readonly root: string;
  /** Class names: the sub-folder names, sorted by code point. */
  readonly classes: string[];
  /** Image files, by class, then by path (code-point order): the order splits are drawn in. */
  readonly files: LabelledFile[];
  /**
   * Files that were skipped: not `.png`, `.jpg`, `.jpeg` or `.pgm` (any case), hidden (a name
   * starting with `.`), or directly in the root rather than in a class folder.
   */
  readonly ignored: string[];
}

const isImage = (name: string) => IMAGE_EXTENSIONS.some((ext) => name.toLowerCase().endsWith(ext));

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isDirectory;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

/** Image files under `dir` (recursively, sorted), and the files skipped. */
async function listImages(dir: string, ignored: string[]): Promise<string[]> {
  const found: string[] = [];
  const entries = [];
  for await (const e of Deno.readDir(dir)) entries.push(e);
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const path = `${dir}/${e.name}`;
    if (e.name.startsWith(".")) ignored.push(path);
    else if (await isDirectory(path)) found.push(...await listImages(path, ignored));
    else if (isImage(e.name)) found.push(path);
    else ignored.push(path);
  }
  return found;
}

/**
 * Lists a folder of class sub-folders.
 *
 * @param minClasses Fewest class folders accepted (2 for training data; 1 for a test folder,
 *   whose classes need only be among the training ones).
 * @throws {DataError} when `root` is not a folder, holds fewer than `minClasses` class folders,
 *   or a class folder holds no image file.
 *
 * @example
 * ```ts
 * import { scanImageFolder } from "./image_folder.ts";
 * const folder = await scanImageFolder("data/my-images");
 * console.log(folder.classes, folder.files.length, folder.ignored.length);
 * ```
 */
export async function scanImageFolder(root: string, minClasses = 2): Promise<ImageFolder> {
  root = root.replace(/\/+$/, "") || "/";
  if (!(await isDirectory(root))) {
    throw new DataError({ path: root }, "expected a folder of class sub-folders, received none");
  }
  const ignored: string[] = [];
  const classes: string[] = [];
  for await (const e of Deno.readDir(root)) {
    if (e.name.startsWith(".")) ignored.push(`${root}/${e.name}`);
    else if (await isDirectory(`${root}/${e.name}`)) classes.push(e.name);
    else ignored.push(`${root}/${e.name}`);
  }
  classes.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const least = Math.max(1, minClasses);
  if (classes.length < least) {
    throw new DataError(
      { path: root },
      `expected at least ${least} class sub-folder${least > 1 ? "s" : ""} (one per class), ` +
        `received ${classes.length}` +
        (classes.length ? ` (${JSON.stringify(classes[0])})` : ""),
    );
  }
  const files: LabelledFile[] = [];
  for (const [label, name] of classes.entries()) {
    const before = ignored.length;
    const paths = await listImages(`${root}/${name}`, ignored);
    if (paths.length === 0) {
      throw new DataError(
        { path: `${root}/${name}` },
        `expected at least one .png, .jpg, .jpeg or .pgm image in class folder ` +
          `${JSON.stringify(name)}, received none (${ignored.length - before} other files)`,
      );
    }
    for (const path of paths) files.push({ path, label });
  }
  return { root, classes, files, ignored };
}

/** A batch of decoded images with their labels. */
export interface ImageBatch {
  /** The decoded images. */
  images: DecodedImage[];
  /** Class index of each image. */
  labels: Int32Array;
  /** Path of each image. */
  paths: string[];
}

/**
 * Reads and decodes `files`, `batchSize` at a time: only one batch of decoded images is alive at
 * once when the caller keeps just what it derives from each batch.
 *
 * @throws {DataError} naming the file that cannot be read or decoded.
 */
export async function* readImageBatches(
  files: readonly LabelledFile[],
  batchSize = 256,
): AsyncGenerator<ImageBatch> {
  for (let start = 0; start < files.length; start += batchSize) {
    const part = files.slice(start, start + batchSize);
    const images: DecodedImage[] = [];
    for (const f of part) {
      let bytes: Uint8Array;
      try {
        bytes = await Deno.readFile(f.path);
      } catch (e) {
        throw new DataError(
          { path: f.path },
          `expected a readable file, received ${(e as Error).name}: ${(e as Error).message}`,
        );
      }
      images.push(decodeImage(f.path, bytes));
    }
    yield { images, labels: Int32Array.from(part, (f) => f.label), paths: part.map((f) => f.path) };
  }
}
