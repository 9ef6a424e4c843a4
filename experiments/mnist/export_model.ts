/**
 * Export of the trained CryptoNets network to the project's quantized model format:
 * `conv2d -> bias -> activation -> flatten -> dense -> bias -> activation -> dense -> bias`.
 *
 * Weights are either signed powers of two (`pow2`, the Faster CryptoNets variants; every weight
 * must already be zero or `+-2^k`, the layer's `scale_log2` is `-min k`) or fixed-point integers
 * (`int`, the dense baselines; rounded here to a given number of bits). Biases are integers at
 * the running scale, so the integer network computes the float network on the 4-bit inputs up
 * to the rounding of the weights (int) and of the biases (2^-scale, negligible).
 *
 * @module
 */
import {
  type Conv2dLayer,
  type DenseLayer,
  dyadicToNumber,
  type Layer,
  MODEL_FORMAT,
  MODEL_FORMAT_VERSION,
  type ModelMetadata,
  parseModel,
  type QuantizedModel,
  type WeightTensor,
} from "../../lib/model/mod.ts";
import {
  type Head,
  jsonInteger,
  layerBiases,
  layerWeights,
  seededRandom,
} from "../../lib/dp-training/mod.ts";
import { DIGIT_CLASSES } from "../../lib/datasets/mod.ts";
import { checkPolynomial, type PolynomialActivation } from "./activation.ts";
import { CRYPTONETS_CONV, LAYER_NAMES } from "./architecture.ts";
import { checkCryptoNetsHead, createCryptoNetsHead } from "./cryptonets_head.ts";
import { activationShift, toDyadics } from "./dyadic_coefficients.ts";
import { MnistVariantError } from "./errors.ts";
import { quantizeFixedPoint } from "./fixed_point.ts";
import { MNIST_INPUT_SPEC } from "./mnist_inputs.ts";

/** How each layer's weights are exported. */
export type WeightExport = { kind: "pow2" } | { kind: "int"; bits: number };

/** Options of {@linkcode exportCryptoNets}. */
export interface CryptoNetsExport {
  /** Model name, e.g. `mnist-faster-relu-aq`. */
  name: string;
  /** Weight format of conv1, fc1, fc2. */
  weights: readonly [WeightExport, WeightExport, WeightExport];
  /** Activations after conv1 and fc1 (exact dyadic coefficients). */
  activations: readonly [PolynomialActivation, PolynomialActivation];
  /** Model card fields. */
  metadata?: ModelMetadata;
}

function pow2Tensor(w: Float32Array, shape: number[], layer: string): WeightTensor {
  const sign: number[] = new Array(w.length), exponent: number[] = new Array(w.length);
  let minExp = Infinity;
  for (let k = 0; k < w.length; k++) {
    if (w[k] === 0) {
      sign[k] = 0;
      exponent[k] = 0;
      continue;
    }
    const e = Math.log2(Math.abs(w[k]));
    if (!Number.isInteger(e)) {
      throw new MnistVariantError(
        `${layer}: expected weights that are zero or +-2^k, received ${w[k]} at ${k}`,
      );
    }
    sign[k] = Math.sign(w[k]);
    exponent[k] = e;
    minExp = Math.min(minExp, e);
  }
  return {
    kind: "pow2",
    shape,
    sign,
    exponent,
    scale_log2: minExp === Infinity ? 0 : -minExp,
  };
}

function intTensor(w: Float32Array, shape: number[], bits: number): WeightTensor {
  const q = quantizeFixedPoint(w, bits);
  return { kind: "int", shape, values: Array.from(q.values), scale_log2: q.scale_log2 };
}

/**
 * Writes the network as a validated `QuantizedModel` (input: {@linkcode MNIST_INPUT_SPEC}).
 *
 * @throws {MnistVariantError} when a `pow2` layer holds a weight that is not zero or `+-2^k`.
 * @throws {ModelFormatError} if the result does not validate (a bug).
 */
export function exportCryptoNets(head: Head, options: CryptoNetsExport): QuantizedModel {
  checkCryptoNetsHead(head);
  options.activations.forEach(checkPolynomial);
  const shapes = [
    [CRYPTONETS_CONV.kernel[0], CRYPTONETS_CONV.kernel[1], 1, CRYPTONETS_CONV.filters],
    [head.layers[1].inputs, head.layers[1].units],
    [head.layers[2].inputs, head.layers[2].units],
  ];
  const layers: Layer[] = [];
  let scale = MNIST_INPUT_SPEC.scale_log2;
  head.layers.forEach((hl, l) => {
    const w = layerWeights(head, l), how = options.weights[l];
    const weights = how.kind === "pow2"
      ? pow2Tensor(w, shapes[l], LAYER_NAMES[l])
      : intTensor(w, shapes[l], how.bits);
    if (l === 0) {
      const conv: Conv2dLayer = {
        type: "conv2d",
        name: LAYER_NAMES[0],
        filters: CRYPTONETS_CONV.filters,
        kernel: [...CRYPTONETS_CONV.kernel],
        strides: [...CRYPTONETS_CONV.strides],
        padding: [...CRYPTONETS_CONV.padding],
        weights,
      };
      layers.push(conv);
    } else {
      const dense: DenseLayer = { type: "dense", name: LAYER_NAMES[l], units: hl.units, weights };
      layers.push(dense);
    }
    scale += weights.scale_log2;
    layers.push({
      type: "bias",
      name: `${LAYER_NAMES[l]}_bias`,
      values: Array.from(layerBiases(head, l), (b) => jsonInteger(b * 2 ** scale)),
      scale_log2: scale,
    });
    if (l < 2) {
      const act = options.activations[l];
      layers.push({
        type: "activation",
        name: `act${l + 1}`,
        kind: act.kind,
        coefficients: toDyadics(act.coefficients),
      });
      if (l === 0) layers.push({ type: "flatten", name: "flatten" });
      scale = (act.coefficients.length - 1) * scale + activationShift(act.coefficients);
    }
  });
  return parseModel({
    format: MODEL_FORMAT,
    version: MODEL_FORMAT_VERSION,
    name: options.name,
    input: { ...MNIST_INPUT_SPEC, shape: [...MNIST_INPUT_SPEC.shape] },
    layers,
    classes: [...DIGIT_CLASSES],
    ...(options.metadata ? { metadata: options.metadata } : {}),
  });
}

/**
 * The float network an exported model stands for: weights `v * 2^-s`, biases `b * 2^-scale`,
 * activations from the dyadic coefficients. Its float logits times `2^outputScale` are the
 * integer logits up to float rounding (a check of the scales).
 *
 * @throws {MnistVariantError} when the model does not have the layers this module exports.
 */
export function importCryptoNets(
  model: QuantizedModel,
): { head: Head; activations: [PolynomialActivation, PolynomialActivation] } {
  const head = createCryptoNetsHead({ random: seededRandom(0) });
  const linear = model.layers.filter((l) => l.type === "conv2d" || l.type === "dense");
  const biases = model.layers.filter((l) => l.type === "bias");
  const acts = model.layers.filter((l) => l.type === "activation");
  if (linear.length !== 3 || biases.length !== 3 || acts.length !== 2) {
    throw new MnistVariantError(
      `expected 3 linear layers, 3 biases and 2 activations, received ${linear.length}, ` +
        `${biases.length} and ${acts.length}`,
    );
  }
  linear.forEach((layer, l) => {
    const w = layerWeights(head, l), t = layer.weights;
    if (t.shape.reduce((a, b) => a * b, 1) !== w.length) {
      throw new MnistVariantError(
        `${layer.name}: expected ${w.length} weights, received shape [${t.shape}]`,
      );
    }
    for (let k = 0; k < w.length; k++) {
      w[k] = t.kind === "pow2"
        ? t.sign[k] === 0 ? 0 : t.sign[k] * 2 ** t.exponent[k]
        : t.values[k] * 2 ** -t.scale_log2;
    }
    const b = layerBiases(head, l), bl = biases[l];
    for (let j = 0; j < b.length; j++) b[j] = Number(BigInt(bl.values[j])) * 2 ** -bl.scale_log2;
  });
  head.trainable.fill(0);
  const activations = acts.map((a) => ({
    kind: a.kind,
    coefficients: a.coefficients.map(dyadicToNumber),
  })) as [PolynomialActivation, PolynomialActivation];
  return { head, activations };
}
