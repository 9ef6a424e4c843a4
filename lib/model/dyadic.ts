/** Exact arithmetic helpers for dyadic rationals and powers of two. @module */
import type { Dyadic } from "./format.ts";

/** The integer mantissa of a dyadic coefficient. */
export function mantissa(d: Dyadic): bigint {
  return BigInt(d.m);
}

/** The real value of a dyadic coefficient (rounded to float64 for display and training). */
export function dyadicToNumber(d: Dyadic): number {
  return Number(mantissa(d)) * 2 ** d.e;
}

/** Normalises `m * 2^e` so that `m` is odd (or zero with `e = 0`). */
export function normalizeDyadic(m: bigint, e: number): Dyadic {
  if (m === 0n) return { m: 0, e: 0 };
  while ((m & 1n) === 0n) {
    m >>= 1n;
    e += 1;
  }
  return { m: Number.isSafeInteger(Number(m)) ? Number(m) : m.toString(), e };
}

/** Number of bits of `|x|` (0 for 0). */
export function bitLength(x: bigint): number {
  if (x < 0n) x = -x;
  return x === 0n ? 0 : x.toString(2).length;
}

/** Exponents of the set bits of `|x|`, ascending (the binary expansion used by poly encoding). */
export function setBits(x: bigint): number[] {
  if (x < 0n) x = -x;
  const out: number[] = [];
  for (let k = 0; x > 0n; k++, x >>= 1n) if (x & 1n) out.push(k);
  return out;
}
