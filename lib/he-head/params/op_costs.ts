/**
 * Per-operation costs (milliseconds, one plaintext modulus, one thread) that turn HOP counts into
 * an expected time. Defaults are SEAL 4.1 / node-seal 7 medians measured on this project's 2-core
 * machines (n=4096 and 8192; larger degrees extrapolated until `deno task bench` measures them).
 *
 * @module
 */
import type { HopCounts } from "../engine/hops.ts";

/** Milliseconds per operation at one ring degree. */
export interface OpCosts {
  add: number;
  add_plain: number;
  negate: number;
  plain_mul_single: number;
  plain_mul_dense: number;
  square: number;
  multiply: number;
  relin: number;
  rotate: number;
}

/** Costs by ring degree. */
export type OpCostTable = Readonly<Record<number, OpCosts>>;

/** Default costs by ring degree. */
export const DEFAULT_OP_COSTS: OpCostTable = {
  4096: {
    add: 0.03,
    add_plain: 0.03,
    negate: 0.02,
    plain_mul_single: 0.12,
    plain_mul_dense: 1.7,
    square: 9.3,
    multiply: 13.2,
    relin: 2.6,
    rotate: 2.7,
  },
  8192: {
    add: 0.11,
    add_plain: 0.1,
    negate: 0.08,
    plain_mul_single: 0.4,
    plain_mul_dense: 7,
    square: 39,
    multiply: 46,
    relin: 13,
    rotate: 13,
  },
  16384: {
    add: 0.45,
    add_plain: 0.4,
    negate: 0.35,
    plain_mul_single: 1.7,
    plain_mul_dense: 30,
    square: 170,
    multiply: 200,
    relin: 60,
    rotate: 60,
  },
  32768: {
    add: 2,
    add_plain: 1.8,
    negate: 1.6,
    plain_mul_single: 7.5,
    plain_mul_dense: 135,
    square: 760,
    multiply: 900,
    relin: 270,
    rotate: 270,
  },
};

/**
 * CKKS costs at n=4096 with the packed plan's modulus (two 32-bit data primes, a 45-bit special
 * prime), measured like the BFV table (`deno task bench` prints them).
 */
export const CKKS_OP_COSTS: OpCostTable = {
  4096: {
    add: 0.02,
    add_plain: 0.02,
    negate: 0.02,
    plain_mul_single: 0.1,
    plain_mul_dense: 0.1,
    square: 1,
    multiply: 1,
    relin: 3,
    rotate: 1.4,
  },
};

/** Expected milliseconds of the given HOPs at one ring degree (per plaintext modulus). */
export function expectedMs(h: HopCounts, c: OpCosts): number {
  return (
    h.add * c.add +
    h.add_plain * c.add_plain +
    h.negate * c.negate +
    h.plain_mul_single * c.plain_mul_single +
    h.plain_mul_dense * c.plain_mul_dense +
    h.square * c.square +
    (h.ct_ct_mul - h.square) * c.multiply +
    h.relin * c.relin +
    h.rotate * c.rotate
  );
}
