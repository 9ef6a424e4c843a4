/**
 * The SEAL BFV backend (evaluation side: it holds evaluation keys only, never a secret key).
 * In the poly encoding a power-of-two weight is a monomial plaintext, in the simd encoding a
 * constant: both single-coefficient, so SEAL's fast path is taken and (for monomials) no noise
 * budget is spent.
 *
 * @module
 */
import type { Ciphertext, RelinKeys } from "node-seal/dist/seal_throws.d.ts";
import type { Backend, PlainMulKind } from "../../../engine/backend.ts";
import { setBits } from "../../../../model/dyadic.ts";
import type { Encoding } from "../bfv_params.ts";
import type { ModulusContext } from "../bfv_context.ts";
import { PlaintextCache } from "../plaintexts.ts";
import { type Seal, sealCall } from "../../../seal/runtime.ts";

/** BFV evaluation for one plaintext modulus. Free its plaintext cache with `delete()`. */
export class SealBackend implements Backend<Ciphertext> {
  readonly name: string;
  private readonly plain: PlaintextCache;

  /**
   * Creates a {@linkcode SealBackend}.
   *
   * @param ctx the BFV contexts
   * @param modulus the plaintext modulus' context
   * @param relin relinearisation keys, or null (then a ciphertext product throws)
   */
  constructor(
    private readonly seal: Seal,
    private readonly mod: ModulusContext,
    readonly encoding: Encoding,
    private readonly relinKeys: RelinKeys | null,
  ) {
    this.name = `seal-${encoding}`;
    this.plain = new PlaintextCache(seal, mod);
  }

  /** A new ciphertext filled by `f` under `sealCall(what)`; freed if `f` throws. */
  private out(what: string, f: (out: Ciphertext) => void): Ciphertext {
    const ct = new this.seal.Ciphertext();
    try {
      sealCall(what, () => f(ct));
    } catch (e) {
      ct.delete();
      throw e;
    }
    return ct;
  }

  add(a: Ciphertext, b: Ciphertext): Ciphertext {
    return this.out("add", (o) => this.mod.evaluator.add(a, b, o));
  }
  addInplace(acc: Ciphertext, b: Ciphertext): void {
    sealCall("add", () => this.mod.evaluator.addInplace(acc, b));
  }
  subInplace(acc: Ciphertext, b: Ciphertext): void {
    sealCall("sub", () => this.mod.evaluator.subInplace(acc, b));
  }
  negateInplace(a: Ciphertext): void {
    sealCall("negate", () => this.mod.evaluator.negateInplace(a));
  }
  mulPow2(a: Ciphertext, exp: number): Ciphertext {
    if (exp === 0) return a.copy();
    const pt = this.encoding === "poly"
      ? this.plain.monomial(exp)
      : this.plain.constant(1n << BigInt(exp));
    return this.out("multiplyPlain", (o) => this.mod.evaluator.multiplyPlain(a, pt, o));
  }
  mulInt(a: Ciphertext, w: bigint): Ciphertext {
    if (w % this.mod.t === 0n) {
      throw new RangeError(
        `weight ${w} is a multiple of the plaintext modulus ${this.mod.t}; choose other moduli`,
      );
    }
    const pt = this.encoding === "poly" ? this.plain.binary(w) : this.plain.constant(w);
    return this.out("multiplyPlain", (o) => this.mod.evaluator.multiplyPlain(a, pt, o));
  }
  plainMulKind(w: bigint): PlainMulKind {
    return this.encoding === "simd" || setBits(w).length === 1 ? "single" : "dense";
  }
  addConstInplace(a: Ciphertext, c: bigint): void {
    if (this.encoding === "simd") {
      if (c % this.mod.t === 0n) return;
      const pt = this.plain.constant(c);
      sealCall("addPlain", () => this.mod.evaluator.addPlainInplace(a, pt));
      return;
    }
    if (c === 0n) return;
    const pt = this.plain.binary(c < 0n ? -c : c);
    if (c > 0n) sealCall("addPlain", () => this.mod.evaluator.addPlainInplace(a, pt));
    else sealCall("subPlain", () => this.mod.evaluator.subPlainInplace(a, pt));
  }
  multiply(a: Ciphertext, b: Ciphertext): Ciphertext {
    return this.out("multiply", (o) => this.mod.evaluator.multiply(a, b, o));
  }
  square(a: Ciphertext): Ciphertext {
    return this.out("square", (o) => this.mod.evaluator.square(a, o));
  }
  relinearizeInplace(a: Ciphertext): void {
    const keys = this.relinKeys;
    if (!keys) {
      throw new Error("relinearization needs the client's relinearization keys, none were given");
    }
    sealCall("relinearize", () => this.mod.evaluator.relinearizeInplace(a, keys));
  }
  size(a: Ciphertext): number {
    return a.size();
  }
  clone(a: Ciphertext): Ciphertext {
    return a.copy();
  }
  free(a: Ciphertext): void {
    a.delete();
  }
  /** Frees the cached plaintexts. */
  delete(): void {
    this.plain.delete();
  }
}
