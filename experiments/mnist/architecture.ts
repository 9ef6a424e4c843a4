/**
 * The CryptoNets architecture (Gilad-Bachrach et al. 2016) as the Faster CryptoNets paper
 * evaluates it on MNIST: a 28x28x1 image padded to 29x29 (one zero row on top, one zero column
 * on the left), a 5x5 convolution with stride 2 and 5 maps (13x13x5 = 845 outputs), an
 * activation, a fully connected layer of 100 units (CryptoNets merged its pooling into this
 * linear layer), an activation and a fully connected layer of 10 logits. Every linear layer has
 * a bias.
 *
 * @module
 */

/** Shape of one MNIST image, `[height, width, channels]`. */
export const MNIST_SHAPE: readonly [number, number, number] = Object.freeze([28, 28, 1]) as [
  number,
  number,
  number,
];

/** Geometry of the convolution: kernel, strides, explicit padding and filters. */
export interface ConvGeometry {
  /** `[kh, kw]`. */
  kernel: [number, number];
  /** `[sh, sw]`. */
  strides: [number, number];
  /** Explicit zeros `[top, bottom, left, right]`, the model format's order. */
  padding: [number, number, number, number];
  /** Number of output maps. */
  filters: number;
}

/** The CryptoNets convolution: 5x5, stride 2, 5 maps, padding `[1, 0, 1, 0]` (29x29 input). */
export const CRYPTONETS_CONV: Readonly<ConvGeometry> = Object.freeze({
  kernel: [5, 5],
  strides: [2, 2],
  padding: [1, 0, 1, 0],
  filters: 5,
}) as ConvGeometry;

/** Shape of the convolution's output, `[13, 13, 5]`. */
export const CONV_OUTPUT_SHAPE: readonly [number, number, number] = Object.freeze([
  Math.floor((28 + 1 - 5) / 2) + 1,
  Math.floor((28 + 1 - 5) / 2) + 1,
  5,
]) as [number, number, number];

/** Number of flattened convolution outputs (845). */
export const CONV_OUTPUTS = CONV_OUTPUT_SHAPE[0] * CONV_OUTPUT_SHAPE[1] * CONV_OUTPUT_SHAPE[2];

/** Units of the hidden fully connected layer. */
export const HIDDEN_UNITS = 100;

/** Number of classes (digits). */
export const CLASSES = 10;

/** Names of the three linear layers, in order. */
export const LAYER_NAMES: readonly string[] = Object.freeze(["conv1", "fc1", "fc2"]);
