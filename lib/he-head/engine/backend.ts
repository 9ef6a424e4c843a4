/**
 * The interface every evaluation backend implements: the exact integer reference, the SEAL BFV
 * backends (poly and simd encodings) and the HOP counter. Layer logic is written once against it
 * (see `evaluate.ts`), so it is tested without cryptography and cross-checked against SEAL.
 *
 * @module
 */

/** How a plaintext multiplication is carried out: one nonzero coefficient, or a dense polynomial. */
export type PlainMulKind = "single" | "dense";

/**
 * Arithmetic on encrypted (or reference) values. Methods that return a value return a new one,
 * owned by the caller, who frees it with {@linkcode Backend.free}. `*Inplace` methods mutate
 * their first argument.
 */
export interface Backend<V> {
  /** A short label, e.g. `integer`, `seal-poly`, `seal-simd`. */
  readonly name: string;
  /** `a + b`. */
  add(a: V, b: V): V;
  /** `acc += b`. */
  addInplace(acc: V, b: V): void;
  /** `acc -= b`. */
  subInplace(acc: V, b: V): void;
  /** `a = -a`. */
  negateInplace(a: V): void;
  /** `a * 2^exp` (`exp >= 0`): a monomial `x^exp` (poly) or the constant `2^exp` (simd). */
  mulPow2(a: V, exp: number): V;
  /** `a * w` for a positive integer `w`. */
  mulInt(a: V, w: bigint): V;
  /** How `mulInt(_, w)` multiplies: with a single-coefficient or a dense plaintext. */
  plainMulKind(w: bigint): PlainMulKind;
  /** `a += c` for an integer constant `c`. */
  addConstInplace(a: V, c: bigint): void;
  /** `a * b` (ciphertext x ciphertext, not relinearized). */
  multiply(a: V, b: V): V;
  /** `a * a` (not relinearized). */
  square(a: V): V;
  /** Brings a product back to two components. */
  relinearizeInplace(a: V): void;
  /** Number of components (2 fresh, 3 after an unrelinearized product). */
  size(a: V): number;
  /** A copy of `a`. */
  clone(a: V): V;
  /** Releases `a` (SEAL memory is not garbage collected). */
  free(a: V): void;
}
