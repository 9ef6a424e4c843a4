/**
 * Incremental network quantization (INQ, Zhou et al. 2017) to signed powers of two: in each
 * stage the largest-magnitude share of every layer's remaining (unpruned) weights is rounded to
 * the nearest value in `{0} u {+-2^k : n2 <= k <= n1}` and frozen, and the rest is retrained
 * (under DP) before the next stage, until every weight is a power of two or zero. The exponent
 * range is per layer: `n1 = floor(log2(4/3 max|w|))` (so the largest weight rounds to 2^n1 or
 * just below) and `n2 = n1 - levels + 1`. Like pruning, this looks only at released weights.
 *
 * @module
 */
import { type Head, layerTrainable, layerWeights } from "../training/head.ts";

/** The shares of each layer quantized after each INQ stage (the paper's schedule). */
export const INQ_SCHEDULE: readonly number[] = Object.freeze([0.5, 0.75, 0.875, 1]);

/** The exponents a layer's weights may take: `[minExponent, maxExponent]`. */
export interface ExponentRange {
  /** Smallest exponent `n2`. */
  minExponent: number;
  /** Largest exponent `n1`. */
  maxExponent: number;
}

/** `floor(log2(a))` exactly for a positive finite number. */
function floorLog2(a: number): number {
  let k = Math.floor(Math.log2(a));
  if (2 ** k > a) k--;
  else if (2 ** (k + 1) <= a) k++;
  return k;
}

/**
 * The exponent range of a layer with `levels` nonzero magnitudes, from its largest weight.
 *
 * @throws {RangeError} for levels < 1 or a layer whose weights are all zero.
 */
export function exponentRange(weights: ArrayLike<number>, levels: number): ExponentRange {
  if (!Number.isInteger(levels) || levels < 1 || levels > 32) {
    throw new RangeError(`expected 1..32 exponent levels, received ${levels}`);
  }
  let max = 0;
  for (let k = 0; k < weights.length; k++) max = Math.max(max, Math.abs(weights[k]));
  if (!(max > 0) || !Number.isFinite(max)) {
    throw new RangeError(
      `expected a layer with a finite nonzero weight, received max |w| = ${max}`,
    );
  }
  const n1 = floorLog2((4 * max) / 3);
  return { minExponent: n1 - levels + 1, maxExponent: n1 };
}

/**
 * The value in `{0} u {+-2^k : k in range}` nearest to `w` (ties to the larger magnitude):
 * zero below `2^(minExponent - 1)`, the largest power above it.
 *
 * @example
 * ```ts
 * import { roundToPow2 } from "./pow2_quantization.ts";
 * roundToPow2(0.3, { minExponent: -4, maxExponent: 0 }); // 0.25
 * roundToPow2(-0.4, { minExponent: -4, maxExponent: 0 }); // -0.5
 * ```
 */
export function roundToPow2(w: number, range: ExponentRange): number {
  const a = Math.abs(w);
  if (a < 2 ** (range.minExponent - 1)) return 0;
  let k = a < 2 ** range.minExponent ? range.minExponent : floorLog2(a);
  if (a >= 1.5 * 2 ** k) k++;
  k = Math.min(Math.max(k, range.minExponent), range.maxExponent);
  return Math.sign(w) * 2 ** k;
}

/** Whether `w` is zero or `+-2^k` with `k` in the range. */
export function isPow2InRange(w: number, range: ExponentRange): boolean {
  if (w === 0) return true;
  const k = Math.log2(Math.abs(w));
  return Number.isInteger(k) && k >= range.minExponent && k <= range.maxExponent;
}

/**
 * The exponent range of every dense layer of the head (fixed at the first INQ stage, from the
 * weights DP-SGD has released so far).
 */
export function headExponentRanges(head: Head, levels: number): ExponentRange[] {
  return head.layers.map((_, l) => exponentRange(layerWeights(head, l), levels));
}

/**
 * One INQ stage: in every layer, freezes the largest-magnitude trainable weights to their
 * power-of-two rounding until `share` of the layer's unpruned weights are quantized (`share`
 * 1 quantizes all). A weight that rounds to 0 becomes a pruned zero.
 *
 * @returns the number of weights frozen in this stage.
 */
export function quantizeShare(head: Head, share: number, ranges: ExponentRange[]): number {
  if (!(share > 0 && share <= 1)) {
    throw new RangeError(`expected a share in (0, 1], received ${share}`);
  }
  if (ranges.length !== head.layers.length) {
    throw new RangeError(
      `expected one exponent range per layer (${head.layers.length}), received ${ranges.length}`,
    );
  }
  let frozen = 0;
  head.layers.forEach((_, l) => {
    const w = layerWeights(head, l), t = layerTrainable(head, l);
    const trainable: number[] = [];
    let quantized = 0;
    for (let k = 0; k < w.length; k++) {
      if (t[k] === 1) trainable.push(k);
      else if (w[k] !== 0) quantized++;
    }
    const unpruned = trainable.length + quantized;
    const target = share >= 1 ? unpruned : Math.ceil(share * unpruned - 1e-9);
    const need = Math.min(target - quantized, trainable.length);
    if (need <= 0) return;
    trainable.sort((a, b) => Math.abs(w[b]) - Math.abs(w[a]) || a - b);
    for (let j = 0; j < need; j++) {
      const k = trainable[j];
      w[k] = roundToPow2(w[k], ranges[l]);
      t[k] = 0;
      frozen++;
    }
  });
  return frozen;
}
