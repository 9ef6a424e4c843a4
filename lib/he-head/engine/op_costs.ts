/**
 * Per-operation costs (milliseconds, one plaintext modulus, one thread) that turn HOP counts into
 * an expected time. Defaults are SEAL 4.1 / node-seal 7 medians measured on this project's 2-core
 * machines by `deno task bench` (n = 4096, 8192, 16384; n = 32768 extrapolated, x4.5).
 *
 * @module
 */
import type { HopCounts } from "./hops.ts";

/** Milliseconds per operation at one ring degree. */
export interface OpCosts {
  /** Ciphertext + ciphertext. */
  add: number;
  /** Ciphertext + plaintext. */
  add_plain: number;
  /** Negation. */
  negate: number;
  /** Ciphertext x plaintext with one nonzero coefficient (a monomial or a scalar). */
  plain_mul_single: number;
  /** Ciphertext x dense plaintext. */
  plain_mul_dense: number;
  /** Ciphertext squared. */
  square: number;
  /** Ciphertext x ciphertext. */
  multiply: number;
  /** Relinearisation. */
  relin: number;
  /** Rotation (Galois automorphism). */
  rotate: number;
}

/** Costs by ring degree. */
export type OpCostTable = Readonly<Record<number, OpCosts>>;

/** Default costs by ring degree. */
export const DEFAULT_OP_COSTS: OpCostTable = {
  4096: {
    add: 0.015,
    add_plain: 0.003,
    negate: 0.01,
    plain_mul_single: 0.054,
    plain_mul_dense: 0.78,
    square: 4.2,
    multiply: 5.7,
    relin: 1.2,
    rotate: 1.2,
  },
  8192: {
    add: 0.079,
    add_plain: 0.011,
    negate: 0.045,
    plain_mul_single: 0.28,
    plain_mul_dense: 3.3,
    square: 17.6,
    multiply: 23.7,
    relin: 6.1,
    rotate: 6.1,
  },
  16384: {
    add: 0.27,
    add_plain: 0.051,
    negate: 0.17,
    plain_mul_single: 0.89,
    plain_mul_dense: 14.4,
    square: 82,
    multiply: 106,
    relin: 37,
    rotate: 37,
  },
  32768: {
    add: 1.2,
    add_plain: 0.23,
    negate: 0.8,
    plain_mul_single: 4,
    plain_mul_dense: 65,
    square: 370,
    multiply: 480,
    relin: 170,
    rotate: 170,
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
