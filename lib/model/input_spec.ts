/**
 * Fixed-point quantization of real features into the integers an HE head consumes, following
 * the model format's {@linkcode InputSpec}: `round(x * 2^scale_log2)` clamped to `[min, max]`.
 *
 * @module
 */
import { checkInteger } from "../check/mod.ts";
import type { InputSpec } from "./format.ts";

export type { InputSpec };

/**
 * Quantizes features: `q = clamp(round(x * 2^spec.scale_log2), spec.min, spec.max)` per value
 * (`round` rounds halves up, as `Math.round`). A NaN becomes `spec.min`.
 *
 * @throws {RangeError} when the spec is not `min <= max` integers with an integer scale.
 *
 * @example
 * ```ts
 * import { quantizeFeatures } from "./input_spec.ts";
 * const q = quantizeFeatures(new Float32Array([0, 0.3, 9]), {
 *   shape: [3], min: 0, max: 15, scale_log2: 2,
 * }); // Int32Array [0, 1, 15]
 * ```
 */
export function quantizeFeatures(features: Float32Array, spec: InputSpec): Int32Array {
  checkSpec(spec);
  const scale = 2 ** spec.scale_log2;
  const out = new Int32Array(features.length);
  for (let i = 0; i < features.length; i++) {
    const v = Math.round(features[i] * scale);
    out[i] = v >= spec.min ? (v <= spec.max ? v : spec.max) : spec.min;
  }
  return out;
}

/**
 * The real values `q * 2^-scale_log2` that quantized features stand for (what a plaintext head
 * sees when it simulates the HE head).
 */
export function dequantizeFeatures(quantized: Int32Array, spec: InputSpec): Float32Array {
  checkSpec(spec);
  const step = 2 ** -spec.scale_log2;
  return Float32Array.from(quantized, (q) => q * step);
}

/** Options of {@linkcode deriveQuantization}. */
export interface DeriveQuantizationOptions {
  /** Bits per feature: the integer range is `[0, 2^bits - 1]` (default 4). */
  bits?: number;
  /**
   * Fraction of the public feature values that must fit below the top of the range without
   * clamping (default 0.999).
   */
  coverage?: number;
  /** Largest scale to consider (default 16). */
  maxScaleLog2?: number;
}

/**
 * Chooses an {@linkcode InputSpec} for non-negative features from PUBLIC feature values only:
 * `min = 0`, `max = 2^bits - 1`, and the largest `scale_log2` for which the `coverage` quantile
 * of `publicFeatures` still quantizes to at most `max`.
 *
 * @param publicFeatures Feature values of public examples (never private ones: the spec ships
 *   with the extractor and leaks whatever it was computed from).
 * @param featureDim Number of features per example (the spec's shape is `[featureDim]`).
 * @throws {RangeError} on empty input, negative features, or bad options.
 *
 * @example
 * ```ts
 * import { deriveQuantization } from "./input_spec.ts";
 * const spec = deriveQuantization(publicFeatures, 48, { bits: 4 });
 * ```
 */
export function deriveQuantization(
  publicFeatures: Float32Array,
  featureDim: number,
  options: DeriveQuantizationOptions = {},
): InputSpec {
  const bits = options.bits ?? 4;
  const coverage = options.coverage ?? 0.999;
  const maxScale = options.maxScaleLog2 ?? 16;
  checkInteger(bits, "bits", 1, 30);
  if (!(coverage > 0 && coverage <= 1)) {
    throw new RangeError(`expected coverage in (0, 1], received ${coverage}`);
  }
  if (publicFeatures.length === 0 || publicFeatures.length % featureDim !== 0) {
    throw new RangeError(
      `expected a non-empty multiple of ${featureDim} feature values, received ` +
        `${publicFeatures.length}`,
    );
  }
  const sorted = Float32Array.from(publicFeatures).sort();
  if (sorted[0] < 0) {
    throw new RangeError(`expected non-negative features, received a minimum of ${sorted[0]}`);
  }
  const top = sorted[Math.min(sorted.length - 1, Math.ceil(coverage * sorted.length) - 1)];
  const max = 2 ** bits - 1;
  let scale = -maxScale;
  for (let s = maxScale; s >= -maxScale; s--) {
    if (Math.round(top * 2 ** s) <= max) {
      scale = s;
      break;
    }
  }
  return { shape: [featureDim], min: 0, max, scale_log2: scale };
}

function checkSpec(spec: InputSpec): void {
  if (
    !Number.isInteger(spec.min) || !Number.isInteger(spec.max) || spec.min > spec.max ||
    !Number.isInteger(spec.scale_log2)
  ) {
    throw new RangeError(
      `expected an input spec with integers min <= max and an integer scale_log2, received ` +
        `min ${spec.min}, max ${spec.max}, scale_log2 ${spec.scale_log2}`,
    );
  }
}
