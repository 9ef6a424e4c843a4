/**
 * What one evaluation of the wide BFV plan costs and how much noise budget it leaves, from the
 * layout alone (no SEAL): the SEAL operations it performs, their expected time under per-operation
 * costs, and a conservative noise-budget estimate calibrated on SEAL 4.1 (node-seal 7) at n = 8192.
 * Shared: the plan's cost and fit come from here, the benchmark's floor from the same counts.
 *
 * @module
 */
import { type HopCounts, zeroHops } from "../../engine/hops.ts";
import type { OpCosts } from "../../engine/op_costs.ts";
import { reductionSteps, type WideLayout } from "./wide_layout.ts";

/** How many SEAL operations of each kind one evaluation performs. */
export interface WideOpCounts {
  /** Row rotations. */
  rotate_rows: number;
  /** Column rotations. */
  rotate_columns: number;
  /** Plaintext products in NTT form. */
  multiply_plain_ntt: number;
  /** Ciphertext NTTs, forward and inverse. */
  ntt: number;
  /** Ciphertext additions. */
  add: number;
  /** Plaintext additions. */
  add_plain: number;
  /** Squares. */
  square: number;
  /** Modulus switches of the answer. */
  mod_switch: number;
  /** Batch encodings (the per-query mask). */
  encode: number;
}

/** Operations of one evaluation with `diagonals` nonzero diagonals in `giants` giant steps. */
export function wideOpCounts(
  l: WideLayout,
  diagonals: number,
  giants: number,
  square: boolean,
  drop: number,
): WideOpCounts {
  const steps = reductionSteps(l).length;
  return {
    rotate_rows: (l.baby - 1) + (l.giant - 1) + steps - (l.lanes === 2 ? 1 : 0),
    rotate_columns: l.lanes === 2 ? 1 : 0,
    multiply_plain_ntt: diagonals,
    ntt: l.baby + giants,
    add: Math.max(0, diagonals - giants) + (giants - 1) + steps,
    add_plain: 2,
    square: square ? 1 : 0,
    mod_switch: drop,
    encode: 1,
  };
}

/**
 * Cost of the operations the op-cost table does not list, relative to one rotation (medians of
 * `deno task bench -- --only wide` on the 2-core machine, n = 8192: NTT-form product 0.8 ms, NTT
 * 7.3 ms, encode 0.8 ms, modulus switch 2.5 ms against 28 ms per rotation).
 */
const WIDE_RELATIVE_COSTS = {
  multiply_plain_ntt: 0.03,
  ntt: 0.26,
  encode: 0.03,
  mod_switch: 0.09,
} as const;

/** Expected milliseconds of the operations under per-operation costs. */
export function wideExpectedMs(c: WideOpCounts, costs: OpCosts): number {
  const r = costs.rotate;
  return (c.rotate_rows + c.rotate_columns) * r + c.square * costs.square +
    c.add * costs.add + c.add_plain * costs.add_plain +
    c.multiply_plain_ntt * WIDE_RELATIVE_COSTS.multiply_plain_ntt * r +
    c.ntt * WIDE_RELATIVE_COSTS.ntt * r + c.encode * WIDE_RELATIVE_COSTS.encode * r +
    c.mod_switch * WIDE_RELATIVE_COSTS.mod_switch * r;
}

/** The operations as HOPs (for descriptions and HOP tables). */
export function wideHops(c: WideOpCounts): HopCounts {
  return {
    ...zeroHops(),
    rotate: c.rotate_rows + c.rotate_columns,
    plain_mul_dense: c.multiply_plain_ntt,
    square: c.square,
    add: c.add,
    add_plain: c.add_plain,
  };
}

/**
 * Budget left after one evaluation (bits), conservatively: fresh `q - t - 7`; the linear part
 * (baby rotations of the fresh query, NTT-form products, rotate-and-adds) spends `t + 21`
 * (measured t + 16 to t + 18 for c = 8 to 128); the square spends `t + log2 n + 1` (measured
 * t + 10 to t + 11); `extraLoss` covers a special prime smaller than the data primes.
 */
export function wideBudgetBits(
  dataBits: number,
  logT: number,
  n: number,
  square: boolean,
  extraLoss = 0,
): number {
  const fresh = dataBits - logT - 7;
  const linear = fresh - (logT + 21) - extraLoss;
  return square ? linear - (logT + Math.log2(n) + 1) : linear;
}

/**
 * Data primes the answer can drop and still decrypt: switching caps the budget at the level's
 * bits minus `log2 t` minus 18 (three components; 9 for two), and `margin` bits must remain.
 */
export function widePrimesToDrop(
  dataPrimeBits: readonly number[],
  logT: number,
  budgetBits: number,
  parts: number,
  margin = 4,
): number {
  const loss = parts > 2 ? 18 : 9;
  let drop = 0;
  for (let d = 1; d < dataPrimeBits.length; d++) {
    const level = dataPrimeBits.slice(0, dataPrimeBits.length - d).reduce((a, b) => a + b, 0);
    if (Math.min(budgetBits, level - logT - loss) >= margin) drop = d;
  }
  return drop;
}
