/**
 * The exact integer reference backend: each value is a batch of integers (one per query), with
 * no modulus and no encryption. The SEAL backends must agree with it bit for bit, and since it
 * tracks which values are unrelinearized products, its HOP counts equal theirs too. With empty
 * batches it is a pure HOP counter.
 *
 * @module
 */
import { setBits } from "../../model/dyadic.ts";
import type { Backend, PlainMulKind } from "./backend.ts";

/** A batch of exact integers. */
export type IntVec = bigint[];

/** Exact integer arithmetic on batches, behind the engine's {@linkcode Backend} interface. */
export class IntegerBackend implements Backend<IntVec> {
  readonly name = "integer";
  /** Values that stand for unrelinearized products (three components in SEAL). */
  private readonly products = new WeakSet<IntVec>();

  /**
   * Creates a {@linkcode IntegerBackend}.
   *
   * @param encoding the encoding whose plaintext kinds to report, so HOP counts match a SEAL
   * backend of that encoding (`poly`: an integer weight is a binary polynomial, dense unless it
   * is a power of two; `simd`: every scalar is a single coefficient).
   */
  constructor(readonly encoding: "poly" | "simd" = "simd") {}

  /** Copies the constness of `from` onto `out`. */
  private like(out: IntVec, ...from: IntVec[]): IntVec {
    if (from.some((v) => this.products.has(v))) this.products.add(out);
    return out;
  }
  add(a: IntVec, b: IntVec): IntVec {
    return this.like(a.map((x, i) => x + b[i]), a, b);
  }
  addInplace(acc: IntVec, b: IntVec): void {
    for (let i = 0; i < acc.length; i++) acc[i] += b[i];
    this.like(acc, b);
  }
  subInplace(acc: IntVec, b: IntVec): void {
    for (let i = 0; i < acc.length; i++) acc[i] -= b[i];
    this.like(acc, b);
  }
  negateInplace(a: IntVec): void {
    for (let i = 0; i < a.length; i++) a[i] = -a[i];
  }
  mulPow2(a: IntVec, exp: number): IntVec {
    const s = BigInt(exp);
    return this.like(a.map((x) => x << s), a);
  }
  mulInt(a: IntVec, w: bigint): IntVec {
    return this.like(a.map((x) => x * w), a);
  }
  plainMulKind(w: bigint): PlainMulKind {
    return this.encoding === "simd" || setBits(w).length === 1 ? "single" : "dense";
  }
  addConstInplace(a: IntVec, c: bigint): void {
    for (let i = 0; i < a.length; i++) a[i] += c;
  }
  multiply(a: IntVec, b: IntVec): IntVec {
    const out = a.map((x, i) => x * b[i]);
    this.products.add(out);
    return out;
  }
  square(a: IntVec): IntVec {
    return this.multiply(a, a);
  }
  relinearizeInplace(a: IntVec): void {
    this.products.delete(a);
  }
  size(a: IntVec): number {
    return this.products.has(a) ? 3 : 2;
  }
  clone(a: IntVec): IntVec {
    return this.like(a.slice(), a);
  }
  free(_a: IntVec): void {}
}
