/**
 * The one image preprocessing every client applies before the public extractor: channel
 * conversion, resize, scaling and normalisation, as stated by a model's
 * {@linkcode ImagePreprocessing} block. Plain arithmetic (no tfjs, no `Deno`), so the command
 * line, the client library and the web page compute the same values.
 *
 * @module
 */
import type { ImagePreprocessing } from "../model/mod.ts";
import { ExtractorError } from "./errors.ts";

/**
 * An image as decoders yield it: row-major `[height, width, channels]` values in 0..255. Grey
 * (1), RGB (3) or RGBA (4, as a browser's `ImageData`; alpha is composited on white).
 */
export interface PixelImage {
  /** Width in pixels. */
  readonly width: number;
  /** Height in pixels. */
  readonly height: number;
  /** 1, 3 or 4. */
  readonly channels: number;
  /** `height * width * channels` values in 0..255. */
  readonly pixels: ArrayLike<number>;
}

/** The image converted to `channels` (1 or 3) values per pixel, as floats in 0..255. */
function convertChannels(image: PixelImage, channels: 1 | 3): Float32Array {
  const { width, height, channels: c, pixels } = image;
  if (![1, 3, 4].includes(c) || pixels.length !== width * height * c) {
    throw new ExtractorError(
      `expected an image of ${width} x ${height} pixels with 1, 3 or 4 channels ` +
        `(${width * height * c} values), received ${c} channels and ${pixels.length} values`,
    );
  }
  const n = width * height;
  const out = new Float32Array(n * channels);
  for (let i = 0; i < n; i++) {
    let r: number, g: number, b: number;
    if (c === 1) r = g = b = pixels[i];
    else {
      r = pixels[i * c], g = pixels[i * c + 1], b = pixels[i * c + 2];
      if (c === 4) {
        const a = pixels[i * c + 3] / 255;
        r = r * a + 255 * (1 - a), g = g * a + 255 * (1 - a), b = b * a + 255 * (1 - a);
      }
    }
    if (channels === 1) out[i] = c === 1 ? r : 0.299 * r + 0.587 * g + 0.114 * b;
    else out.set([r, g, b], i * 3);
  }
  return out;
}

/** Source coordinate of output index `o` (half-pixel centres, as TensorFlow's resize ops). */
function source(o: number, ratio: number, size: number): number {
  return Math.min(size - 1, Math.max(0, (o + 0.5) * ratio - 0.5));
}

/** Resizes `[h, w, c]` values to `[oh, ow, c]` by the bilinear or nearest rule. */
function resize(
  x: Float32Array,
  [h, w, c]: number[],
  [oh, ow]: number[],
  rule: ImagePreprocessing["resize"],
): Float32Array {
  if (h === oh && w === ow) return x;
  const out = new Float32Array(oh * ow * c);
  const ry = h / oh, rx = w / ow;
  for (let oy = 0; oy < oh; oy++) {
    for (let ox = 0; ox < ow; ox++) {
      const o = (oy * ow + ox) * c;
      if (rule === "nearest") {
        const sy = Math.min(h - 1, Math.floor((oy + 0.5) * ry));
        const sx = Math.min(w - 1, Math.floor((ox + 0.5) * rx));
        for (let k = 0; k < c; k++) out[o + k] = x[(sy * w + sx) * c + k];
        continue;
      }
      const sy = source(oy, ry, h), sx = source(ox, rx, w);
      const y0 = Math.floor(sy), x0 = Math.floor(sx);
      const y1 = Math.min(h - 1, y0 + 1), x1 = Math.min(w - 1, x0 + 1);
      const dy = sy - y0, dx = sx - x0;
      for (let k = 0; k < c; k++) {
        const top = x[(y0 * w + x0) * c + k] * (1 - dx) + x[(y0 * w + x1) * c + k] * dx;
        const bottom = x[(y1 * w + x0) * c + k] * (1 - dx) + x[(y1 * w + x1) * c + k] * dx;
        out[o + k] = top * (1 - dy) + bottom * dy;
      }
    }
  }
  return out;
}

/**
 * The extractor input of one image: converted to `spec.channels`, resized to
 * `spec.height x spec.width` by `spec.resize`, then `(x * scale + offset - mean[c]) / std[c]`.
 * Returns `height * width * channels` values, row-major (NHWC without the batch axis).
 *
 * @throws {ExtractorError} when the image's size and values disagree or its channels are not
 *   1, 3 or 4.
 *
 * @example
 * ```ts
 * import { preprocess } from "./preprocess.ts";
 * const grey = { width: 2, height: 2, channels: 1, pixels: [0, 255, 255, 0] };
 * const x = preprocess(grey, {
 *   height: 4, width: 4, channels: 1, resize: "bilinear", scale: 1 / 255, offset: 0,
 * }); // 16 values in [0, 1]
 * ```
 */
export function preprocess(image: PixelImage, spec: ImagePreprocessing): Float32Array {
  const converted = convertChannels(image, spec.channels);
  const x = resize(
    converted,
    [image.height, image.width, spec.channels],
    [spec.height, spec.width],
    spec.resize,
  );
  const out = x; // a fresh array: convertChannels copies
  const c = spec.channels;
  for (let i = 0; i < out.length; i++) {
    const k = i % c;
    out[i] = (out[i] * spec.scale + spec.offset - (spec.mean?.[k] ?? 0)) / (spec.std?.[k] ?? 1);
  }
  return out;
}
