/**
 * A noise-budget estimator for SEAL's BFV: runs the network on invariant-noise budgets (bits) so
 * parameter selection can check that the budget lasts the circuit. The model is conservative and
 * calibrated on SEAL 4.1 measurements (tests decrypt with `invariantNoiseBudget` to confirm that
 * the real budget never falls below the estimate).
 *
 * @module
 */
import type { Backend, PlainMulKind } from "../../engine/backend.ts";
import { setBits } from "../../../model/dyadic.ts";
import type { Encoding } from "./bfv_params.ts";

/** A noise budget in bits (a mutable box, so in-place operations work). */
export interface Budget {
  /** Noise budget left (bits). */
  bits: number;
  /** 3 for an unrelinearized product, else 2 (absent means 2). */
  parts?: number;
}

/** Constants of the noise model. */
export interface NoiseModel {
  /** Budget of a fresh encryption: `dataBits - log2 t - freshLoss`. */
  freshLoss: number;
  /** Budget spent by a ciphertext product: `log2 t + log2 n + mulExtra`. */
  mulExtra: number;
  /** Budget spent by a relinearisation. */
  relinLoss: number;
}

/**
 * The default model. Measured on SEAL 4.1 (node-seal 7): fresh budget = dataBits - log2 t - 5
 * (secret-key) or - 7 (public-key) bits; a product spends log2 t + log2 n - 2 (n=4096) to
 * log2 t + log2 n - 1 (n >= 8192) bits; relinearisation spends under a bit.
 */
export const SEAL_BFV_NOISE_MODEL: NoiseModel = { freshLoss: 7, mulExtra: 0, relinLoss: 0.5 };

const combine = (a: number, b: number) => -Math.log2(2 ** -a + 2 ** -b);

/** Noise-budget arithmetic behind the engine's backend interface. */
export class NoiseBackend implements Backend<Budget> {
  readonly name = "noise";
  /** Smallest budget produced since the last {@linkcode NoiseBackend.resetLow}. */
  low: number = Infinity;
  private readonly mulLoss: number;

  /**
   * Creates a {@linkcode NoiseBackend}.
   *
   * @param encoding `poly` multiplies by monomials (no noise growth), `simd` by scalars.
   * @param n ring degree
   * @param logT bits of the (largest) plaintext modulus
   */
  constructor(
    readonly encoding: Encoding,
    n: number,
    logT: number,
    readonly model: NoiseModel = SEAL_BFV_NOISE_MODEL,
  ) {
    this.mulLoss = logT + Math.log2(n) + model.mulExtra;
  }
  /** Records `b` in the low-water mark and returns it. */
  private seen(b: Budget): Budget {
    if (b.bits < this.low) this.low = b.bits;
    return b;
  }
  /** Starts a new low-water mark. */
  resetLow(): void {
    this.low = Infinity;
  }
  add(a: Budget, b: Budget): Budget {
    return this.seen({
      bits: combine(a.bits, b.bits),
      parts: Math.max(a.parts ?? 2, b.parts ?? 2),
    });
  }
  addInplace(acc: Budget, b: Budget): void {
    acc.bits = combine(acc.bits, b.bits);
    acc.parts = Math.max(acc.parts ?? 2, b.parts ?? 2);
    this.seen(acc);
  }
  subInplace(acc: Budget, b: Budget): void {
    this.addInplace(acc, b);
  }
  negateInplace(_a: Budget): void {}
  mulPow2(a: Budget, exp: number): Budget {
    return this.seen({ bits: this.encoding === "poly" ? a.bits : a.bits - exp, parts: a.parts });
  }
  mulInt(a: Budget, w: bigint): Budget {
    const growth = this.encoding === "poly" ? setBits(w).length : Number(w);
    return this.seen({ bits: a.bits - Math.log2(growth), parts: a.parts });
  }
  plainMulKind(w: bigint): PlainMulKind {
    return this.encoding === "simd" || setBits(w).length === 1 ? "single" : "dense";
  }
  addConstInplace(_a: Budget, _c: bigint): void {}
  multiply(a: Budget, b: Budget): Budget {
    return this.seen({ bits: Math.min(a.bits, b.bits) - this.mulLoss, parts: 3 });
  }
  square(a: Budget): Budget {
    return this.multiply(a, a);
  }
  relinearizeInplace(a: Budget): void {
    a.bits -= this.model.relinLoss;
    a.parts = 2;
    this.seen(a);
  }
  size(a: Budget): number {
    return a.parts ?? 2;
  }
  clone(a: Budget): Budget {
    return { bits: a.bits, parts: a.parts };
  }
  free(_a: Budget): void {}
}
