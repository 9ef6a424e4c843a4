/**
 * The CryptoNets network's parameters as a `Head` of `lib/dp-training/` (an adapter, so that
 * package's magnitude pruning and incremental power-of-two quantization apply unchanged): the
 * 5x5x1x5 convolution kernel, row-major `[kh, kw, in, filters]`, is exactly a `[25, 5]` matrix,
 * followed by the `[845, 100]` and `[100, 10]` dense matrices. All parameters live in one flat
 * `Float32Array` (weights then biases, layer by layer) with per-parameter trainable flags.
 *
 * @module
 */
import { type Head, type HeadLayer, type RandomSource } from "../../lib/dp-training/mod.ts";
import {
  CLASSES,
  CONV_OUTPUTS,
  CRYPTONETS_CONV,
  HIDDEN_UNITS,
  MNIST_SHAPE,
} from "./architecture.ts";
import { MnistVariantError } from "./errors.ts";

/** Number of layers of the network (conv1, fc1, fc2). */
const CRYPTONETS_LAYERS = 3;

/** `[inputs, units]` of each linear layer as a matrix. */
const LAYER_MATRICES: readonly (readonly [number, number])[] = Object.freeze([
  [
    CRYPTONETS_CONV.kernel[0] * CRYPTONETS_CONV.kernel[1] * MNIST_SHAPE[2],
    CRYPTONETS_CONV.filters,
  ],
  [CONV_OUTPUTS, HIDDEN_UNITS],
  [HIDDEN_UNITS, CLASSES],
]);

/** Options of {@linkcode createCryptoNetsHead}. */
export interface CryptoNetsInit {
  /** Initialisation randomness (seeded for reproducible runs). */
  random: RandomSource;
  /** Weights are normal with std `gain / sqrt(fan_in)` (default 1); biases start at 0. */
  gain?: number;
}

/**
 * Fresh parameters of the CryptoNets network: every weight and bias trainable.
 *
 * @example
 * ```ts
 * import { createCryptoNetsHead } from "./cryptonets_head.ts";
 *  * const head = createCryptoNetsHead({ random: seededRandom(1) });
 * console.log(head.params.length); // 125 + 5 + 84500 + 100 + 1000 + 10
 * ```
 */
export function createCryptoNetsHead(init: CryptoNetsInit): Head {
  const gain = init.gain ?? 1;
  if (!(gain > 0) || !Number.isFinite(gain)) {
    throw new MnistVariantError(`expected an initialisation gain > 0, received ${gain}`);
  }
  const layers: HeadLayer[] = [];
  let offset = 0;
  for (const [inputs, units] of LAYER_MATRICES) {
    layers.push({ inputs, units, wOffset: offset, bOffset: offset + inputs * units });
    offset += inputs * units + units;
  }
  const params = new Float32Array(offset);
  for (const l of layers) {
    const std = gain / Math.sqrt(l.inputs);
    for (let k = 0; k < l.inputs * l.units; k++) params[l.wOffset + k] = std * init.random.normal();
  }
  return { layers, params, trainable: new Uint8Array(offset).fill(1), activation: [] };
}

/**
 * Checks that a head has the CryptoNets geometry.
 *
 * @throws {MnistVariantError} naming the first layer whose shape differs.
 */
export function checkCryptoNetsHead(head: Head): void {
  if (head.layers.length !== CRYPTONETS_LAYERS) {
    throw new MnistVariantError(
      `expected ${CRYPTONETS_LAYERS} layers (conv1, fc1, fc2), received ${head.layers.length}`,
    );
  }
  head.layers.forEach((l, i) => {
    const [inputs, units] = LAYER_MATRICES[i];
    if (l.inputs !== inputs || l.units !== units) {
      throw new MnistVariantError(
        `layer ${i}: expected a [${inputs}, ${units}] matrix, received [${l.inputs}, ${l.units}]`,
      );
    }
  });
  const n = head.layers[CRYPTONETS_LAYERS - 1].bOffset + CLASSES;
  if (head.params.length !== n || head.trainable.length !== n) {
    throw new MnistVariantError(
      `expected ${n} parameters and flags, received ${head.params.length} and ` +
        `${head.trainable.length}`,
    );
  }
}

/**
 * A view of one layer of the head as a one-layer head sharing the same buffers, so the
 * dp-training functions that treat every layer alike (e.g. `pruneToSparsity`) can be given a
 * different target per layer.
 */
export function layerView(head: Head, l: number): Head {
  if (!Number.isInteger(l) || l < 0 || l >= head.layers.length) {
    throw new MnistVariantError(
      `expected a layer index in [0, ${head.layers.length}), received ${l}`,
    );
  }
  return { ...head, layers: [head.layers[l]] };
}
