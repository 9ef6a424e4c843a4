/**
 * Coefficient analysis for the poly encoding: every value is a polynomial whose evaluation at 2 is
 * the integer it stands for; this backend tracks an upper bound on the magnitude of each
 * coefficient, mirroring exactly how the engine builds those polynomials (monomial shifts, binary
 * expansions of integers, products). The plaintext modulus must exceed twice the largest output
 * coefficient and the ring degree must exceed the output degree.
 *
 * @module
 */
import type { Backend, PlainMulKind } from "../../engine/backend.ts";
import { setBits } from "../../../model/dyadic.ts";

/** Upper bounds on `|coefficient|` by degree (a mutable box, so in-place operations work). */
export interface CoefficientBound {
  /** Bound on each coefficient's magnitude, by degree. */
  c: Float64Array;
}

function sum(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(Math.max(a.length, b.length));
  out.set(a);
  for (let i = 0; i < b.length; i++) out[i] += b[i];
  return out;
}

function shift(a: Float64Array, k: number): Float64Array {
  const out = new Float64Array(a.length + k);
  out.set(a, k);
  return out;
}

function convolve(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length + b.length - 1);
  for (let i = 0; i < a.length; i++) {
    if (a[i] === 0) continue;
    for (let j = 0; j < b.length; j++) out[i + j] += a[i] * b[j];
  }
  return out;
}

/** The bound of the binary expansion of an integer (1 at each set bit of `|x|`). */
function binaryBound(x: bigint): Float64Array {
  const bits = setBits(x);
  const out = new Float64Array(bits.length ? bits[bits.length - 1] + 1 : 0);
  for (const b of bits) out[b] = 1;
  return out;
}

/** A polynomial outgrew the largest ring degree or float range while bounds were computed. */
export class CoefficientOverflow extends RangeError {
  /**
   * Creates a {@linkcode CoefficientOverflow}.
   *
   * @param message which bound overflowed
   */
  constructor(message: string) {
    super(message);
    this.name = "CoefficientOverflow";
  }
}

/** Coefficient-bound arithmetic behind the engine's backend interface. */
export class CoefficientBackend implements Backend<CoefficientBound> {
  readonly name = "coefficients";
  /**
   * Creates a {@linkcode CoefficientBackend}.
   *
   * @param maxLength longest polynomial (degree + 1) worth tracking; longer ones throw.
   */
  constructor(readonly maxLength = 32768) {}
  /** Refuses polynomials longer than `maxLength`. */
  private check(c: Float64Array): CoefficientBound {
    if (c.length > this.maxLength) {
      throw new CoefficientOverflow(
        `polynomial degree ${c.length - 1} exceeds ${this.maxLength - 1}`,
      );
    }
    for (let i = 0; i < c.length; i++) {
      if (!Number.isFinite(c[i])) throw new CoefficientOverflow("coefficients exceed 2^1024");
    }
    return { c };
  }
  add(a: CoefficientBound, b: CoefficientBound): CoefficientBound {
    return { c: sum(a.c, b.c) };
  }
  addInplace(acc: CoefficientBound, b: CoefficientBound): void {
    acc.c = sum(acc.c, b.c);
  }
  subInplace(acc: CoefficientBound, b: CoefficientBound): void {
    acc.c = sum(acc.c, b.c);
  }
  negateInplace(_a: CoefficientBound): void {}
  mulPow2(a: CoefficientBound, exp: number): CoefficientBound {
    return this.check(shift(a.c, exp));
  }
  mulInt(a: CoefficientBound, w: bigint): CoefficientBound {
    return this.check(convolve(a.c, binaryBound(w)));
  }
  plainMulKind(w: bigint): PlainMulKind {
    return setBits(w).length === 1 ? "single" : "dense";
  }
  addConstInplace(a: CoefficientBound, c: bigint): void {
    a.c = sum(a.c, binaryBound(c));
  }
  multiply(a: CoefficientBound, b: CoefficientBound): CoefficientBound {
    if (a.c.length + b.c.length - 1 > this.maxLength) {
      throw new CoefficientOverflow(
        `polynomial degree ${a.c.length + b.c.length - 2} exceeds ${this.maxLength - 1}`,
      );
    }
    return this.check(convolve(a.c, b.c));
  }
  square(a: CoefficientBound): CoefficientBound {
    return this.multiply(a, a);
  }
  relinearizeInplace(_a: CoefficientBound): void {}
  size(_a: CoefficientBound): number {
    return 2;
  }
  clone(a: CoefficientBound): CoefficientBound {
    return { c: a.c.slice() };
  }
  free(_a: CoefficientBound): void {}
}

/** Largest coefficient bound and degree of a polynomial bound. */
export function coefficientSummary(
  b: CoefficientBound,
): { maxCoefficient: number; degree: number } {
  let m = 0, d = -1;
  b.c.forEach((v, i) => {
    if (v > 0) d = i;
    if (v > m) m = v;
  });
  return { maxCoefficient: m, degree: d };
}
