/**
 * Fixed-point integer weights for the dense baselines (CryptoNets, CryptoDL): a layer's weights
 * become `round(w * 2^s)` with the largest scale `s` that keeps every integer within `bits`
 * signed bits (`|v| <= 2^(bits-1) - 1`), so the integer network stays as small as the accuracy
 * allows.
 *
 * @module
 */
import { MnistVariantError } from "./errors.ts";

/** A layer's weights as fixed-point integers. */
export interface FixedPointWeights {
  /** Integers, `|v| <= 2^(bits-1) - 1`. */
  values: Int32Array;
  /** Real weight = `value * 2^-scale_log2`. */
  scale_log2: number;
}

function checkBits(bits: number): void {
  if (!Number.isInteger(bits) || bits < 2 || bits > 24) {
    throw new MnistVariantError(`expected 2..24 signed bits, received ${bits}`);
  }
}

/**
 * The largest scale `s` with `round(max|w| * 2^s) <= 2^(bits-1) - 1`.
 *
 * @example
 * ```ts
 * import { fixedPointScale } from "./fixed_point.ts";
 * fixedPointScale([0.3, -0.9], 6); // 5: 0.9 * 32 = 28.8 -> 29 <= 31
 * ```
 * @throws {MnistVariantError} for a bad bit count or weights that are all zero or not finite.
 */
export function fixedPointScale(weights: ArrayLike<number>, bits: number): number {
  checkBits(bits);
  let max = 0;
  for (let k = 0; k < weights.length; k++) max = Math.max(max, Math.abs(weights[k]));
  if (!(max > 0) || !Number.isFinite(max)) {
    throw new MnistVariantError(`expected a finite nonzero weight, received max |w| = ${max}`);
  }
  const q = 2 ** (bits - 1) - 1;
  let s = Math.floor(Math.log2(q / max));
  while (Math.round(max * 2 ** (s + 1)) <= q) s++;
  while (Math.round(max * 2 ** s) > q) s--;
  return s;
}

/**
 * Quantizes a layer to `bits`-bit fixed-point integers at {@linkcode fixedPointScale}.
 *
 * @example
 * ```ts
 * import { quantizeFixedPoint } from "./fixed_point.ts";
 * quantizeFixedPoint([0.3, -0.9], 6); // { values: Int32Array [10, -29], scale_log2: 5 }
 * ```
 */
export function quantizeFixedPoint(weights: ArrayLike<number>, bits: number): FixedPointWeights {
  const s = fixedPointScale(weights, bits);
  const f = 2 ** s;
  return {
    values: Int32Array.from({ length: weights.length }, (_, k) => Math.round(weights[k] * f)),
    scale_log2: s,
  };
}

/** Rounds `weights` in place to their fixed-point values (real numbers `v * 2^-s`). */
export function roundToFixedPoint(weights: Float32Array, bits: number): FixedPointWeights {
  const q = quantizeFixedPoint(weights, bits);
  const f = 2 ** -q.scale_log2;
  for (let k = 0; k < weights.length; k++) weights[k] = q.values[k] * f;
  return q;
}
