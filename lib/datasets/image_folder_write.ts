/**
 * Writes a labelled image data set as a user would hold it: one sub-folder per class, one image
 * file per example (PNG by npm `fast-png`, JPEG by npm `jpeg-js`, or PGM). Used to turn the UCI
 * digits and Fashion-MNIST into image folders for `deno task train --data DIR`.
 *
 * @module
 */
import { encode as encodePng } from "fast-png";
import jpeg from "jpeg-js";
import type { Dataset } from "./dataset.ts";

/** Options of {@linkcode writeImageFolder}. */
export interface WriteImageFolderOptions {
  /** File format (default `png`). */
  format?: "png" | "jpeg" | "pgm";
  /** The data set's largest value, written as 255 (default 255; 16 for UCI block counts). */
  maxValue?: number;
  /** Each pixel becomes a `upscale x upscale` square (default 1). */
  upscale?: number;
  /** Write dark ink on white (255 - v) instead of light on black (default false). */
  invert?: boolean;
  /** Examples to write (default all). */
  indices?: ArrayLike<number>;
}

/** Grey 8-bit pixels of example `i`, scaled, upscaled and optionally inverted. */
function greyPixels(d: Dataset, i: number, o: WriteImageFolderOptions) {
  const [h, w] = d.shape;
  const up = o.upscale ?? 1, max = o.maxValue ?? 255;
  const width = w * up, height = h * up;
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = Math.round((d.x[i * h * w + ((y / up) | 0) * w + ((x / up) | 0)] * 255) / max);
      out[y * width + x] = o.invert ? 255 - v : v;
    }
  }
  return { width, height, data: out };
}

function encode(img: { width: number; height: number; data: Uint8Array }, format: string) {
  if (format === "png") return encodePng({ ...img, depth: 8, channels: 1 });
  if (format === "pgm") {
    const head = new TextEncoder().encode(`P5\n${img.width} ${img.height}\n255\n`);
    const out = new Uint8Array(head.length + img.data.length);
    out.set(head);
    out.set(img.data, head.length);
    return out;
  }
  const rgba = new Uint8Array(img.data.length * 4);
  img.data.forEach((v, k) => rgba.set([v, v, v, 255], 4 * k));
  return jpeg.encode({ width: img.width, height: img.height, data: rgba }, 95).data;
}

/**
 * Writes grey images `[h, w, 1]` of `dataset` to `dir/<class name>/<index>.<ext>` (a folder for
 * each class that has an example among `indices`).
 *
 * @returns the number of files written.
 *
 * @example
 * ```ts
 * import { loadUciDigits, writeImageFolder } from "./mod.ts";
 * const { train } = await loadUciDigits();
 * await writeImageFolder(train, "/tmp/digits", { maxValue: 16, upscale: 4 });
 * ```
 */
export async function writeImageFolder(
  dataset: Dataset,
  dir: string,
  options: WriteImageFolderOptions = {},
): Promise<number> {
  const format = options.format ?? "png";
  const ext = format === "jpeg" ? "jpg" : format;
  const indices = options.indices ?? Array.from({ length: dataset.count }, (_, i) => i);
  const used = new Set(Array.from(indices, (i) => dataset.classes[dataset.y[i]]));
  for (const name of used) await Deno.mkdir(`${dir}/${name}`, { recursive: true });
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    const bytes = encode(greyPixels(dataset, i, options), format);
    const name = String(i).padStart(6, "0");
    await Deno.writeFile(`${dir}/${dataset.classes[dataset.y[i]]}/${name}.${ext}`, bytes);
  }
  return indices.length;
}
