/**
 * The head trained on private data: a small multilayer perceptron `dense -> bias ->
 * activation -> ... -> dense -> bias` whose activation is a fixed polynomial (the quantized
 * activation, so training sees exactly what encrypted inference computes). All parameters live
 * in one flat `Float32Array` (layer by layer: weights `[inputs, units]` row-major, then
 * biases), with a per-parameter `trainable` flag: pruned weights (frozen at 0) and weights
 * already quantized to powers of two (frozen at their value) are not trainable.
 *
 * @module
 */
import { checkInteger } from "../../check/mod.ts";
import type { RandomSource } from "../mechanisms/random.ts";

/** One dense layer: views into the head's flat parameter vector. */
export interface HeadLayer {
  /** Input width. */
  inputs: number;
  /** Output width. */
  units: number;
  /** Offset of the weights in the flat vector (`inputs * units` values, `[inputs, units]`). */
  wOffset: number;
  /** Offset of the biases (`units` values). */
  bOffset: number;
}

/** A head: its layer geometry, parameters, trainable flags and activation polynomial. */
export interface Head {
  /** Dense layers in order; an activation follows every layer but the last. */
  layers: HeadLayer[];
  /** All parameters, layer by layer (weights, then biases). */
  params: Float32Array;
  /** 1 where a parameter may still change, 0 where it is frozen (pruned or quantized). */
  trainable: Uint8Array;
  /** Activation polynomial coefficients, ascending powers (real values). */
  activation: number[];
}

/** Options of {@linkcode createHead}. */
export interface HeadOptions {
  /** Input features. */
  inputDim: number;
  /** Widths of the hidden layers (`[]` for a linear head). */
  hidden: number[];
  /** Number of classes (logits). */
  classes: number;
  /** Activation coefficients, ascending powers. */
  activation: number[];
  /** Initialisation randomness (seeded for reproducible runs). */
  random: RandomSource;
  /**
   * Std of the initial weights times `sqrt(fan_in)` (default 1: pre-activations of about unit
   * variance for unit-variance inputs).
   */
  initGain?: number;
}

function checkWidth(name: string, v: number): void {
  checkInteger(v, name, 1);
}

/**
 * A freshly initialised head: weights normal with std `initGain / sqrt(fan_in)`, biases 0,
 * everything trainable.
 *
 * @example
 * ```ts
 * import { createHead } from "./head.ts";
 * import { seededRandom } from "../mechanisms/random.ts";
 * const head = createHead({ inputDim: 64, hidden: [32], classes: 10,
 *   activation: [0.25, 0.5, 0.125], random: seededRandom(1) });
 * ```
 */
export function createHead(options: HeadOptions): Head {
  checkWidth("inputDim", options.inputDim);
  checkWidth("classes", options.classes);
  options.hidden.forEach((h, i) => checkWidth(`hidden[${i}]`, h));
  if (options.hidden.length > 0 && options.activation.length < 2) {
    throw new RangeError(
      `expected an activation of degree >= 1 (2+ coefficients), received ${options.activation.length}`,
    );
  }
  const widths = [options.inputDim, ...options.hidden, options.classes];
  const layers: HeadLayer[] = [];
  let offset = 0;
  for (let l = 0; l + 1 < widths.length; l++) {
    const inputs = widths[l], units = widths[l + 1];
    layers.push({ inputs, units, wOffset: offset, bOffset: offset + inputs * units });
    offset += inputs * units + units;
  }
  const params = new Float32Array(offset);
  const gain = options.initGain ?? 1;
  for (const layer of layers) {
    const std = gain / Math.sqrt(layer.inputs);
    for (let k = 0; k < layer.inputs * layer.units; k++) {
      params[layer.wOffset + k] = std * options.random.normal();
    }
  }
  return {
    layers,
    params,
    trainable: new Uint8Array(offset).fill(1),
    activation: [...options.activation],
  };
}

/** The weights of layer `l` (a view, `[inputs, units]` row-major). */
export function layerWeights(head: Head, l: number): Float32Array {
  const layer = head.layers[l];
  return head.params.subarray(layer.wOffset, layer.wOffset + layer.inputs * layer.units);
}

/** The biases of layer `l` (a view). */
export function layerBiases(head: Head, l: number): Float32Array {
  const layer = head.layers[l];
  return head.params.subarray(layer.bOffset, layer.bOffset + layer.units);
}

/** The trainable flags of the weights of layer `l` (a view). */
export function layerTrainable(head: Head, l: number): Uint8Array {
  const layer = head.layers[l];
  return head.trainable.subarray(layer.wOffset, layer.wOffset + layer.inputs * layer.units);
}

/** Evaluates the activation polynomial on a number (Horner). */
export function evalPolynomial(coefficients: readonly number[], x: number): number {
  let y = 0;
  for (let i = coefficients.length - 1; i >= 0; i--) y = y * x + coefficients[i];
  return y;
}

/**
 * Logits of `count` examples (`x` row-major, `count x inputDim`) in float64 arithmetic: the
 * reference the tfjs forward pass and the exported integer model are checked against.
 */
export function headLogits(head: Head, x: ArrayLike<number>, count: number): Float64Array {
  const inDim = head.layers[0].inputs;
  const out = head.layers[head.layers.length - 1].units;
  if (x.length !== count * inDim) {
    throw new RangeError(`expected ${count} x ${inDim} inputs, received ${x.length}`);
  }
  const logits = new Float64Array(count * out);
  for (let i = 0; i < count; i++) {
    let a = new Float64Array(inDim);
    for (let k = 0; k < inDim; k++) a[k] = x[i * inDim + k];
    head.layers.forEach((layer, l) => {
      const w = layerWeights(head, l), b = layerBiases(head, l);
      const z = new Float64Array(layer.units);
      for (let j = 0; j < layer.units; j++) z[j] = b[j];
      for (let k = 0; k < layer.inputs; k++) {
        const ak = a[k];
        if (ak === 0) continue;
        for (let j = 0; j < layer.units; j++) z[j] += ak * w[k * layer.units + j];
      }
      a = l + 1 < head.layers.length ? z.map((v) => evalPolynomial(head.activation, v)) : z;
    });
    logits.set(a, i * out);
  }
  return logits;
}

/** Arg-max of each row of `count x classes` logits (first one on ties). */
export function argmaxRows(logits: ArrayLike<number>, count: number): Int32Array {
  const classes = logits.length / count;
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    let best = 0;
    for (let j = 1; j < classes; j++) {
      if (logits[i * classes + j] > logits[i * classes + best]) best = j;
    }
    out[i] = best;
  }
  return out;
}

/** Fraction of `predictions` equal to `labels`. */
export function accuracy(predictions: ArrayLike<number>, labels: ArrayLike<number>): number {
  if (predictions.length !== labels.length) {
    throw new RangeError(
      `expected as many predictions as labels (${labels.length}), received ${predictions.length}`,
    );
  }
  let hits = 0;
  for (let i = 0; i < labels.length; i++) if (predictions[i] === labels[i]) hits++;
  return labels.length === 0 ? 0 : hits / labels.length;
}
