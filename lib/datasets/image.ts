/**
 * The decoded image: what the image loaders yield and what the feature extractor's
 * preprocessing takes (the seam between `lib/datasets` and `lib/feature-extractor`).
 *
 * @module
 */

/**
 * One decoded image, row-major, channels interleaved (`[height, width, channels]`, as
 * TensorFlow's NHWC without the batch axis). Values are in `0..255` whatever the file's bit depth
 * (16-bit PNG and PGM are rescaled); transparency is composited on white, so there are 1 (grey)
 * or 3 (RGB) channels.
 */
export interface DecodedImage {
  /** Width in pixels (>= 1). */
  readonly width: number;
  /** Height in pixels (>= 1). */
  readonly height: number;
  /** 1 (grey) or 3 (RGB). */
  readonly channels: 1 | 3;
  /** `height * width * channels` values in `[0, 255]`. */
  readonly pixels: Float32Array;
}

/** Largest image the decoders accept, in pixels (64 megapixels). */
export const MAX_IMAGE_PIXELS = 64 * 1024 * 1024;
