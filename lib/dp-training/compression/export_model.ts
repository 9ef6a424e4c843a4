/**
 * Export of a fully quantized head to the project's model format (`QuantizedModel`, see
 * `lib/model/format.ts`): `dense (pow2) -> bias -> activation -> ... -> dense -> bias`,
 * with the fixed-point scales chosen so the integer network computes exactly the float head on
 * quantized inputs (up to the rounding of the biases to the running scale).
 *
 * @module
 */
import {
  type ActivationLayer,
  type Dyadic,
  type InputSpec,
  type Layer,
  MODEL_FORMAT,
  MODEL_FORMAT_VERSION,
  type ModelMetadata,
  normalizeDyadic,
  parseModel,
  type QuantizedModel,
  type WeightTensor,
} from "../../model/mod.ts";
import { type Head, layerBiases, layerTrainable, layerWeights } from "../training/head.ts";

/**
 * The exact dyadic form `m * 2^e` of a finite number (every float64 is one).
 *
 * @example
 * ```ts
 * import { numberToDyadic } from "./export_model.ts";
 * numberToDyadic(0.125); // { m: 1, e: -3 }
 * numberToDyadic(-0.75); // { m: -3, e: -2 }
 * ```
 */
export function numberToDyadic(x: number): Dyadic {
  if (!Number.isFinite(x)) throw new RangeError(`expected a finite number, received ${x}`);
  let e = 0;
  while (!Number.isInteger(x)) {
    x *= 2;
    e--;
  }
  while (!Number.isSafeInteger(x)) {
    x /= 2;
    e++;
  }
  return normalizeDyadic(BigInt(x), e);
}

/** A JSON integer: a number when safe, else a decimal string. */
export function jsonInteger(v: number): number | string {
  const r = Math.round(v);
  return Number.isSafeInteger(r) ? r : BigInt(r).toString();
}

/**
 * The fixed-point scale of each layer's biases in the exported model (the running scale after
 * the layer's weights), for a head whose weights are all zero or powers of two.
 */
export function biasScales(head: Head, inputScale: number): number[] {
  const coefficients = trimCoefficients(head.activation).map(numberToDyadic);
  const d = coefficients.length - 1;
  let g = 0;
  for (const c of coefficients) if (BigInt(c.m) !== 0n) g = Math.max(g, -c.e);
  let scale = inputScale;
  return head.layers.map((_, l) => {
    if (l > 0) scale = d * scale + g;
    scale += weightScale(layerWeights(head, l));
    return scale;
  });
}

/** `-min exponent` over the nonzero weights (0 when all are zero). */
function weightScale(w: Float32Array): number {
  let minExp = Infinity;
  for (const v of w) if (v !== 0) minExp = Math.min(minExp, Math.round(Math.log2(Math.abs(v))));
  return minExp === Infinity ? 0 : -minExp;
}

/**
 * Rounds the head's biases, in place, to the fixed-point scales of the exported model, so the
 * float head computes exactly what the integer model does (post-processing, no privacy cost).
 */
export function roundBiases(head: Head, inputScale: number): void {
  biasScales(head, inputScale).forEach((scale, l) => {
    const b = layerBiases(head, l);
    for (let j = 0; j < b.length; j++) b[j] = Math.round(b[j] * 2 ** scale) * 2 ** -scale;
  });
}

/** Options of {@linkcode exportHead}. */
export interface ExportOptions {
  /** Model name. */
  name: string;
  /** How the integer inputs relate to the head's real inputs (`real = int * 2^-scale_log2`). */
  input: InputSpec;
  /** Label of the activation, e.g. `swish-aq`. */
  activationKind: string;
  /** Output labels. */
  classes?: string[];
  /** Model card fields. */
  metadata?: ModelMetadata;
}

/** Layer `l`'s weights as a pow2 tensor (signs and exponents), and its weight scale. */
function pow2Weights(head: Head, l: number): { tensor: WeightTensor; scale: number } {
  const layer = head.layers[l];
  const w = layerWeights(head, l), t = layerTrainable(head, l);
  const sign: number[] = [], exponent: number[] = [];
  let minExp = Infinity;
  for (let k = 0; k < w.length; k++) {
    if (t[k] !== 0) {
      throw new RangeError(
        `layer ${l}: expected every weight frozen (pruned or quantized), weight ${k} is trainable`,
      );
    }
    if (w[k] === 0) {
      sign.push(0);
      exponent.push(0);
      continue;
    }
    const e = Math.log2(Math.abs(w[k]));
    if (!Number.isInteger(e)) {
      throw new RangeError(
        `layer ${l}: expected weights that are zero or +-2^k, received ${w[k]} at ${k}`,
      );
    }
    sign.push(Math.sign(w[k]));
    exponent.push(e);
    minExp = Math.min(minExp, e);
  }
  const scale = minExp === Infinity ? 0 : -minExp;
  return {
    tensor: { kind: "pow2", shape: [layer.inputs, layer.units], sign, exponent, scale_log2: scale },
    scale,
  };
}

/**
 * Writes the head as a validated `QuantizedModel`.
 *
 * @throws {RangeError} when a weight is still trainable, or is neither zero nor a power of two.
 */
export function exportHead(head: Head, options: ExportOptions): QuantizedModel {
  const inDim = options.input.shape.reduce((a, b) => a * b, 1);
  if (inDim !== head.layers[0].inputs) {
    throw new RangeError(
      `expected an input spec of ${
        head.layers[0].inputs
      } features, received shape [${options.input.shape}]`,
    );
  }
  const layers: Layer[] = [];
  let scale = options.input.scale_log2;
  const coefficients = trimCoefficients(head.activation).map(numberToDyadic);
  head.layers.forEach((layer, l) => {
    const weights = pow2Weights(head, l);
    layers.push({
      type: "dense",
      name: `dense${l + 1}`,
      units: layer.units,
      weights: weights.tensor,
    });
    scale += weights.scale;
    const b = layerBiases(head, l);
    layers.push({
      type: "bias",
      name: `bias${l + 1}`,
      values: Array.from(b, (v) => jsonInteger(v * 2 ** scale)),
      scale_log2: scale,
    });
    if (l + 1 < head.layers.length) {
      const act: ActivationLayer = {
        type: "activation",
        name: `act${l + 1}`,
        kind: options.activationKind,
        coefficients,
      };
      layers.push(act);
      const d = coefficients.length - 1;
      let g = 0;
      for (const c of coefficients) if (BigInt(c.m) !== 0n) g = Math.max(g, -c.e);
      scale = d * scale + g;
    }
  });
  const model: QuantizedModel = {
    format: MODEL_FORMAT,
    version: MODEL_FORMAT_VERSION,
    name: options.name,
    input: options.input,
    layers,
    ...(options.classes ? { classes: options.classes } : {}),
    ...(options.metadata ? { metadata: options.metadata } : {}),
  };
  return parseModel(model);
}

/** Drops zero leading (highest-power) coefficients, keeping at least degree 1. */
function trimCoefficients(c: readonly number[]): number[] {
  const out = [...c];
  while (out.length > 2 && out[out.length - 1] === 0) out.pop();
  return out;
}
