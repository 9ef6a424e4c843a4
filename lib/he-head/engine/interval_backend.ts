/**
 * Interval analysis for the simd encoding: runs the network on exact integer intervals, so the
 * plaintext modulus can be chosen larger than twice every output's magnitude. (Values wrap
 * harmlessly mod t in between: every operation is a ring homomorphism, so only the outputs must
 * fit.)
 *
 * @module
 */
import type { Backend, PlainMulKind } from "./backend.ts";

/** A closed integer interval. */
export interface Interval {
  /** Smallest value. */
  lo: bigint;
  /** Largest value. */
  hi: bigint;
}

const min = (...x: bigint[]) => x.reduce((a, b) => (b < a ? b : a));
const max = (...x: bigint[]) => x.reduce((a, b) => (b > a ? b : a));

/** Interval arithmetic behind the engine's backend interface. */
export class IntervalBackend implements Backend<Interval> {
  readonly name = "interval";
  add(a: Interval, b: Interval): Interval {
    return { lo: a.lo + b.lo, hi: a.hi + b.hi };
  }
  addInplace(acc: Interval, b: Interval): void {
    acc.lo += b.lo;
    acc.hi += b.hi;
  }
  subInplace(acc: Interval, b: Interval): void {
    const lo = acc.lo - b.hi, hi = acc.hi - b.lo;
    acc.lo = lo;
    acc.hi = hi;
  }
  negateInplace(a: Interval): void {
    [a.lo, a.hi] = [-a.hi, -a.lo];
  }
  mulPow2(a: Interval, exp: number): Interval {
    const s = BigInt(exp);
    return { lo: a.lo << s, hi: a.hi << s };
  }
  mulInt(a: Interval, w: bigint): Interval {
    return { lo: a.lo * w, hi: a.hi * w };
  }
  plainMulKind(_w: bigint): PlainMulKind {
    return "single";
  }
  addConstInplace(a: Interval, c: bigint): void {
    a.lo += c;
    a.hi += c;
  }
  multiply(a: Interval, b: Interval): Interval {
    const p = [a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi];
    return { lo: min(...p), hi: max(...p) };
  }
  square(a: Interval): Interval {
    const l2 = a.lo * a.lo, h2 = a.hi * a.hi;
    if (a.lo >= 0n) return { lo: l2, hi: h2 };
    if (a.hi <= 0n) return { lo: h2, hi: l2 };
    return { lo: 0n, hi: max(l2, h2) };
  }
  relinearizeInplace(_a: Interval): void {}
  size(_a: Interval): number {
    return 2;
  }
  clone(a: Interval): Interval {
    return { lo: a.lo, hi: a.hi };
  }
  free(_a: Interval): void {}
}

/** Largest magnitude in an interval. */
export function magnitude(i: Interval): bigint {
  const a = i.lo < 0n ? -i.lo : i.lo, b = i.hi < 0n ? -i.hi : i.hi;
  return a > b ? a : b;
}
