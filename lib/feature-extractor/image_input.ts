/**
 * From a decoded image of any size, grey or colour, to the committed extractor's raw input: the
 * UCI digits' 8 x 8 block counts `0..16`. The same function serves training on a user's image
 * folder (`deno task train --data DIR`) and classifying an image file (`deno task classify
 * --image`), so the two cannot differ.
 *
 * Rule: (1) colour becomes grey by luma, `0.299 R + 0.587 G + 0.114 B` (transparency was already
 * composited on white by the decoder); (2) values are scaled to `[0, 1]`; (3) when the mean of the
 * top and bottom rows is above 0.5 the image is dark ink on a light background and is inverted,
 * so ink is high; (4) an 8 x 8 image is taken as block counts (`round(16 v)`); any other size goes
 * through {@linkcode reduceToUci8x8} (ink bounding box fitted into 32 x 32, aspect ratio kept,
 * bilinear resampling, stroke thickness normalised, 4 x 4 blocks counted). Mixed sizes are
 * therefore fine: every image ends as 64 values.
 *
 * @module
 */
import type { DecodedImage } from "../datasets/mod.ts";
import { reduceToUci8x8 } from "./uci_reduction.ts";

/** Grey levels in `[0, 1]`, ink high (steps 1-3 of the module's rule). */
function greyInk(image: DecodedImage): Float32Array {
  const { width, height, channels, pixels } = image;
  const grey = new Float32Array(width * height);
  for (let i = 0; i < grey.length; i++) {
    const v = channels === 3
      ? 0.299 * pixels[3 * i] + 0.587 * pixels[3 * i + 1] + 0.114 * pixels[3 * i + 2]
      : pixels[i];
    grey[i] = Math.min(1, Math.max(0, v / 255));
  }
  let border = 0;
  for (let x = 0; x < width; x++) border += grey[x] + grey[(height - 1) * width + x];
  if (border / (2 * width) > 0.5) { for (let i = 0; i < grey.length; i++) grey[i] = 1 - grey[i]; }
  return grey;
}

/**
 * The committed extractor's raw input for one image: 64 block counts in `0..16` (`[8, 8, 1]`).
 *
 * @example
 * ```ts
 * import { decodeImage } from "../datasets/mod.ts";
 * import { uciBlocksFromImage } from "./image_input.ts";
 * const image = decodeImage("seven.png", await Deno.readFile("seven.png"));
 * const input = uciBlocksFromImage(image); // Float32Array(64), values 0..16
 * ```
 */
export function uciBlocksFromImage(image: DecodedImage): Float32Array {
  const grey = greyInk(image);
  if (image.width === 8 && image.height === 8) return grey.map((v) => Math.round(v * 16));
  return reduceToUci8x8(grey.map((v) => v * 255), 1, {}, image.height, image.width);
}
