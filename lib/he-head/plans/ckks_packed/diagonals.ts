/**
 * The packed head's plaintext diagonals as plain numbers (no SEAL): the public output factor that
 * keeps every slot within the headroom, the pre-rotated diagonals of the coefficient matrix
 * (baby-step giant-step), and the HOPs one evaluation spends. The plan reads its cost from here;
 * the server encodes the same diagonals.
 *
 * @module
 */
import { type HopCounts, zeroHops } from "../../engine/hops.ts";
import type { CkksParams } from "../../schemes/ckks/ckks_params.ts";
import type { PackedLayout } from "../../schemes/ckks/packed_layout.ts";
import type { QuadraticForm } from "../../schemes/ckks/quadratic_form.ts";

/**
 * Bound on the absolute error of a decrypted slot (slot units). Measured worst case over random
 * heads of 4 to 64 hidden units and 8 to 48 inputs: 0.055 (`deno test tests/he-head/schemes/ckks/packed_test.ts`
 * checks the bound); this leaves a factor of 4.5.
 */
export const PACKED_SLOT_ERROR = 0.25;

/** Bits of headroom a slot may use: data modulus minus both scales minus two spare bits. */
export function headroomBits(ctx: { params: CkksParams }): number {
  const p = ctx.params;
  const data = p.coeffModulusBits.slice(0, -1).reduce((a, b) => a + b, 0);
  return data - p.scaleBits - p.weightScaleBits - 2;
}

/** The coefficient rows scaled into the headroom, and the public factor they were divided by. */
export interface PackedMatrix {
  /** Logits are `outputFactor` times the first `C` decrypted slots. */
  outputFactor: number;
  /** `rows[k][s]`: row `k mod stride` of the scaled matrix, over one period. */
  rows: Float64Array[];
}

/** Scales the form's coefficient rows so that no slot can exceed the headroom at any step. */
export function packedMatrix(
  form: QuadraticForm,
  layout: PackedLayout,
  params: CkksParams,
): PackedMatrix {
  const { period: P, stride: m, normalizer } = layout;
  const unit = normalizer / 2 ** form.outputScale;
  let bound = 0;
  for (const [k, row] of form.coefficients.entries()) {
    let l1 = Math.abs(Number(form.constants[k]) / 2 ** form.outputScale);
    for (const c of row) l1 += Math.abs(Number(c) * unit);
    bound = Math.max(bound, l1);
  }
  const factor = (bound || 1) / 2 ** headroomBits({ params });
  const entry = (k: number, s: number) =>
    k < form.outputs && s < layout.length ? (Number(form.coefficients[k][s]) * unit) / factor : 0;
  const rows = Array.from(
    { length: m },
    (_, k) => Float64Array.from({ length: P }, (_, s) => entry(k, s)),
  );
  return { outputFactor: factor, rows };
}

/** Diagonal `g * baby + b`, pre-rotated for giant step `g`; null where all-zero. */
export function packedDiagonal(
  M: PackedMatrix,
  layout: PackedLayout,
  g: number,
  b: number,
): Float64Array | null {
  const { slots, period: P, stride: m, baby: B } = layout;
  const i = g * B + b;
  const d = new Float64Array(slots);
  let any = false;
  for (let s = 0; s < slots; s++) {
    // D'[s] = D_i[s - gB] with D_i[u] = M[u mod m][(u + i) mod P].
    const u = (((s - g * B) % slots) + slots) % slots;
    d[s] = M.rows[u % m][(u + i) % P];
    if (d[s] !== 0) any = true;
  }
  return any ? d : null;
}

/** Nonzero diagonals per giant step. */
export function packedDiagonalCounts(M: PackedMatrix, layout: PackedLayout): number[] {
  return Array.from({ length: layout.giant }, (_, g) => {
    let n = 0;
    for (let b = 0; b < layout.baby; b++) if (packedDiagonal(M, layout, g, b)) n++;
    return n;
  });
}

/** The HOPs one evaluation spends, from the nonzero diagonals per giant step. */
export function packedHops(layout: PackedLayout, groups: readonly number[]): HopCounts {
  const h = zeroHops();
  const { baby: B, stride: m, period: P } = layout;
  const used = groups.filter((n) => n > 0).length;
  const finals = Math.log2(P / m);
  h.plain_mul_dense = groups.reduce((a, b) => a + b, 0);
  h.rotate = (B - 1) + groups.slice(1).filter((n) => n > 0).length + finals;
  h.add = (h.plain_mul_dense - used) + Math.max(0, used - 1) + finals;
  h.add_plain = 1;
  h.rescale = 1;
  return h;
}
