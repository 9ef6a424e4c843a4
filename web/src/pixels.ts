/// <reference lib="dom" />
/**
 * Pixels from the page's two sources, a drawing on the canvas and a PNG or JPEG file decoded by
 * the browser, turned into the decoded-image form the extractor's image preprocessing takes.
 *
 * @module
 */
import type { uciBlocksFromImage } from "../../lib/feature-extractor/image_input.ts";

/** The decoded-image form of the extractor's image preprocessing. */
export type DecodedImage = Parameters<typeof uciBlocksFromImage>[0];

/** An image file the browser cannot decode. */
export class UndecodableImageError extends Error {
  /**
   * Creates an {@linkcode UndecodableImageError}.
   *
   * @param name the file's name
   * @param reason the browser's words
   */
  constructor(name: string, reason: string) {
    super(`"${name}" cannot be decoded as an image (expected a PNG or JPEG file): ${reason}`);
    this.name = "UndecodableImageError";
  }
}

/** RGBA pixels (a canvas's `ImageData`) as an RGB image, transparency composited on white. */
export function fromRgba(data: ImageData): DecodedImage {
  const { width, height } = data;
  const rgba = data.data;
  const pixels = new Float32Array(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    const a = rgba[4 * i + 3] / 255;
    for (let k = 0; k < 3; k++) pixels[3 * i + k] = rgba[4 * i + k] * a + 255 * (1 - a);
  }
  return { width, height, channels: 3, pixels };
}

/** Largest image the page decodes (pixels). */
const MAX_PIXELS = 4096 * 4096;

/** Decodes a PNG or JPEG file at its own size (no smoothing, no colour-space conversion). */
export async function decodeFile(file: Blob & { name?: string }): Promise<ImageData> {
  const name = file.name ?? "image";
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, {
      colorSpaceConversion: "none",
      premultiplyAlpha: "none",
    });
  } catch (e) {
    throw new UndecodableImageError(name, (e as Error).message);
  }
  try {
    const { width, height } = bitmap;
    if (width * height > MAX_PIXELS) {
      throw new UndecodableImageError(
        name,
        `${width} x ${height} pixels is more than 16 megapixels`,
      );
    }
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext("2d")!;
    ctx.drawImage(bitmap, 0, 0);
    return ctx.getImageData(0, 0, width, height);
  } finally {
    bitmap.close();
  }
}
