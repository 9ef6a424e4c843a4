/**
 * MNIST as the encrypted network sees it: 4-bit integers. A grey level `p` in 0..255 stands for
 * the real input `x = p / 256`; the integer input is `round(16 x) = round(p / 16)` (halves round
 * up), clamped to 15, i.e. the model's {@linkcode MNIST_INPUT_SPEC} (`scale_log2` 4, range
 * 0..15). Levels 0..7 become 0, 8..23 become 1, ..., 232..255 become 15. The float network is
 * trained and evaluated on the same quantized values (`q / 16`), so the client's rounding is
 * part of training and the integer model sees exactly the inputs the float model saw.
 *
 * @module
 */
import { dequantizeFeatures, type InputSpec, quantizeFeatures } from "../../lib/model/mod.ts";
import { type Dataset, loadMnist } from "../../lib/datasets/mod.ts";
import { MNIST_SHAPE } from "./architecture.ts";
import { MnistVariantError } from "./errors.ts";

/** The integer input format of every exported MNIST model. */
export const MNIST_INPUT_SPEC: Readonly<InputSpec> = Object.freeze({
  shape: [...MNIST_SHAPE],
  min: 0,
  max: 15,
  scale_log2: 4,
});

/**
 * 4-bit integer inputs from grey levels 0..255: `min(15, round(p / 16))`, i.e. the model's own
 * input quantization ({@linkcode quantizeFeatures} of `lib/model`) of the real inputs `p / 256`
 * under {@linkcode MNIST_INPUT_SPEC}.
 *
 * @example
 * ```ts
 * import { quantizePixels } from "./mnist_inputs.ts";
 * quantizePixels(new Float32Array([0, 7, 8, 128, 255])); // Int32Array [0, 0, 1, 8, 15]
 * ```
 * @throws {MnistVariantError} for a value outside 0..255 or not finite.
 */
export function quantizePixels(pixels: ArrayLike<number>): Int32Array {
  const real = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) {
    const p = pixels[i];
    if (!(p >= 0 && p <= 255)) {
      throw new MnistVariantError(`expected grey levels in 0..255, received ${p} at ${i}`);
    }
    real[i] = p / 256;
  }
  return quantizeFeatures(real, MNIST_INPUT_SPEC);
}

/** The real inputs the float network sees for integer inputs: `q / 16`. */
export function realInputs(q: ArrayLike<number>): Float32Array {
  return dequantizeFeatures(q instanceof Int32Array ? q : Int32Array.from(q), MNIST_INPUT_SPEC);
}

/** A split of MNIST in both forms. */
export interface QuantizedMnist {
  /** `count x 784` integer inputs in 0..15 (what the client encrypts). */
  ints: Int32Array;
  /** The same as real inputs `q / 16` (what the float network is trained on). */
  real: Float32Array;
  /** Labels 0..9. */
  y: Int32Array;
  /** Number of images. */
  count: number;
  /** e.g. `mnist/train`. */
  name: string;
}

/** Quantizes a loaded data set of 28x28x1 grey-level images, keeping the first `limit`. */
function quantizeMnist(data: Dataset, limit = data.count): QuantizedMnist {
  if (data.shape.join("x") !== MNIST_SHAPE.join("x")) {
    throw new MnistVariantError(
      `expected images of shape [${MNIST_SHAPE}], received [${data.shape}]`,
    );
  }
  if (!Number.isInteger(limit) || limit < 1) {
    throw new MnistVariantError(`expected a positive integer limit, received ${limit}`);
  }
  const count = Math.min(limit, data.count);
  const size = MNIST_SHAPE[0] * MNIST_SHAPE[1] * MNIST_SHAPE[2];
  const ints = quantizePixels(data.x.subarray(0, count * size));
  return { ints, real: realInputs(ints), y: data.y.slice(0, count), count, name: data.name };
}

/** Loads and quantizes a split of MNIST (the first `limit` images, default all). */
export async function loadQuantizedMnist(
  split: "train" | "test",
  limit?: number,
): Promise<QuantizedMnist> {
  const data = await loadMnist(split);
  return quantizeMnist(data, limit);
}
