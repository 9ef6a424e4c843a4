/**
 * Input quantization of (possibly signed) features, chosen from PUBLIC feature values only.
 *
 * @module
 */
import { deriveQuantization, type InputSpec } from "../model/mod.ts";

/**
 * An {@linkcode InputSpec} for features from public values: non-negative features get
 * `[0, 2^bits - 1]` (as {@linkcode deriveQuantization}); signed ones (after a PCA, say) the
 * symmetric `[-(2^(bits-1) - 1), 2^(bits-1) - 1]`, with the largest scale at which the
 * `coverage` quantile of `|x|` still fits.
 *
 * @param publicFeatures feature values of PUBLIC examples only: the spec ships in the model
 *   file and leaks whatever it was computed from.
 * @throws {RangeError} on empty input or bits outside [2, 30].
 *
 * @example
 * ```ts
 * import { publicQuantization } from "./public_quantization.ts";
 * const spec = publicQuantization(new Float32Array([-1, 0.5, 2, -3]), 2, 5);
 * ```
 */
export function publicQuantization(
  publicFeatures: Float32Array,
  featureDim: number,
  bits: number,
  coverage = 0.999,
): InputSpec {
  if (!Number.isInteger(bits) || bits < 2 || bits > 30) {
    throw new RangeError(`expected bits in [2, 30], received ${bits}`);
  }
  let negative = false;
  for (const v of publicFeatures) if (v < 0) negative = true;
  if (!negative) return deriveQuantization(publicFeatures, featureDim, { bits, coverage });
  const magnitudes = publicFeatures.map(Math.abs);
  const half = deriveQuantization(magnitudes, featureDim, { bits: bits - 1, coverage });
  return { ...half, min: -half.max };
}
