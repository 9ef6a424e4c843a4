/**
 * Features of an image folder through a {@linkcode FeaturePipeline}, batch by batch (only one
 * batch of decoded images in memory), timing the extraction apart from reading and decoding.
 *
 * @module
 */
import { readImageBatches, scanImageFolder } from "../../lib/datasets/mod.ts";
import type { FeaturePipeline } from "../../lib/feature-extractor/mod.ts";

/** The features of a folder with their labels and timings. */
export interface FolderFeatures {
  /** `count x featureDim` features (after the pipeline's reduction, if any). */
  x: Float32Array;
  /** Class index of each image (into `classes`). */
  y: Int32Array;
  /** Images read. */
  count: number;
  /** The class folder names. */
  classes: string[];
  /** Seconds of preprocessing and extraction (and reduction), without reading and decoding. */
  extractSeconds: number;
  /** Seconds of reading and decoding the files. */
  decodeSeconds: number;
}

/**
 * Runs every image of `dir` (class sub-folders) through `pipeline.imageFeatures`, the first
 * `limit` files of each class when a limit is given.
 */
export async function folderFeatures(
  dir: string,
  pipeline: FeaturePipeline,
  options: { limitPerClass?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<FolderFeatures> {
  const folder = await scanImageFolder(dir);
  const perClass = new Map<number, number>();
  const files = folder.files.filter((f) => {
    const n = (perClass.get(f.label) ?? 0) + 1;
    perClass.set(f.label, n);
    return options.limitPerClass === undefined || n <= options.limitPerClass;
  });
  const dim = pipeline.featureDim;
  const x = new Float32Array(files.length * dim);
  const y = new Int32Array(files.length);
  let done = 0, extractMs = 0, decodeMs = 0, t = performance.now();
  for await (const batch of readImageBatches(files, 256)) {
    const t1 = performance.now();
    decodeMs += t1 - t;
    x.set(pipeline.imageFeatures(batch.images), done * dim);
    y.set(batch.labels, done);
    done += batch.images.length;
    t = performance.now();
    extractMs += t - t1;
    options.onProgress?.(done, files.length);
  }
  return {
    x,
    y,
    count: files.length,
    classes: folder.classes,
    extractSeconds: extractMs / 1000,
    decodeSeconds: decodeMs / 1000,
  };
}
