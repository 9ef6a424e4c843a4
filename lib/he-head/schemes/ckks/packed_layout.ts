/**
 * Slot layout of the packed plan: the client's vector `z` (products and features, normalised)
 * zero-padded to a power-of-two period `P` and repeated across all `n / 2` slots; outputs padded
 * to a power-of-two stride `m`. The server computes the `C x N` matrix-vector product with the
 * hybrid diagonal method: `m` diagonals combined baby-step/giant-step, then `log2(P / m)`
 * rotate-and-add steps. Only the Galois keys for the steps listed here are ever generated.
 *
 * @module
 */
import { matVecGeometry, pow2AtLeast } from "./packed_matvec.ts";
import { packedLength } from "./quadratic_form.ts";

/** Geometry of a packed evaluation. */
export interface PackedLayout {
  /** Number of slots (n / 2). */
  slots: number;
  /** Number of inputs d. */
  inputs: number;
  /** Packed vector length N = d (d + 1) / 2 + d. */
  length: number;
  /** Period P: a power of two >= N that divides the slot count. */
  period: number;
  /** Number of outputs C. */
  outputs: number;
  /** Output stride m: a power of two >= C. */
  stride: number;
  /** Baby steps B (rotations 1..B-1) and giant steps G = m / B (rotations B, 2B, ...). */
  baby: number;
  /** Giant steps of the baby-step giant-step sum. */
  giant: number;
  /** z is divided by this before encoding (keeps encoded values within [-1, 1]). */
  normalizer: number;
  /** Rotation steps the plan uses: the only Galois keys the client makes. */
  galoisSteps: number[];
}

/**
 * The layout for `d` inputs in `[min, max]` and `C` outputs over `slots` slots.
 *
 * @throws {RangeError} when the packed vector does not fit the slots.
 */
export function packedLayout(
  d: number,
  outputs: number,
  slots: number,
  min: number,
  max: number,
): PackedLayout {
  const length = packedLength(d);
  const period = pow2AtLeast(length);
  if (period > slots) {
    throw new RangeError(
      `the packed plan needs ${length} slots for ${d} inputs (d(d+1)/2 + d), more than the ${slots} available`,
    );
  }
  if (pow2AtLeast(outputs) > period) {
    throw new RangeError(`expected at most ${period} outputs, received ${outputs}`);
  }
  const { stride, baby, giant, steps } = matVecGeometry(outputs, period);
  const m = Math.max(Math.abs(min), Math.abs(max), 1);
  return {
    slots,
    inputs: d,
    length,
    period,
    outputs,
    stride,
    baby,
    giant,
    normalizer: m * m,
    galoisSteps: [...new Set(steps)].sort((a, b) => a - b),
  };
}

/** The slot vector of a packed vector `z`: normalised, padded to the period, repeated. */
export function slotVector(z: ArrayLike<number>, layout: PackedLayout): Float64Array {
  if (z.length !== layout.length) {
    throw new RangeError(`expected ${layout.length} packed values, received ${z.length}`);
  }
  const out = new Float64Array(layout.slots);
  for (let s = 0; s < layout.slots; s++) {
    const i = s % layout.period;
    out[s] = i < z.length ? z[i] / layout.normalizer : 0;
  }
  return out;
}
