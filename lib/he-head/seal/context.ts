/**
 * What every scheme's SEAL context shares: the shape code that loads or saves SEAL objects needs
 * ({@linkcode SealContexts}), building a SEAL context at 128-bit security
 * ({@linkcode createSealContext}), the base of the single-context schemes
 * ({@linkcode SingleSealContext}) and the data-level coefficient modulus SEAL built. The
 * schemes' contexts (`schemes/bfv/bfv_context.ts`, `schemes/ckks/ckks_context.ts`) build on it.
 *
 * @module
 */
import type { Evaluator, SEALContext, VectorModulus } from "node-seal/dist/seal_throws.d.ts";
import { type Seal, sealCall } from "./runtime.ts";

/**
 * What code that loads or saves SEAL objects needs of a context (BFV or CKKS): SEAL itself, the
 * ring and coefficient modulus, and one SEAL context per plaintext modulus.
 */
export interface SealContexts {
  /** The SEAL module. */
  seal: Seal;
  /** The ring and coefficient modulus. */
  params: { polyModulusDegree: number; coeffModulusBits: number[] };
  /** One SEAL context per plaintext modulus (one for CKKS). */
  moduli: readonly { context: SEALContext }[];
}

/** The data-level coefficient modulus of a SEAL context: its primes and SEAL's bit count of q. */
export interface DataModulus {
  /** The data-level primes. */
  primes: bigint[];
  /** Bit count of the product of the primes (what SEAL's noise budget is measured against). */
  bits: number;
}

/** Reads the primes of the first (top data) level of `context`, freeing every handle. */
export function dataModulus(context: SEALContext): DataModulus {
  const data = context.firstContextData();
  const parms = data.parms();
  const vector = parms.coeffModulus();
  try {
    const primes: bigint[] = [];
    for (let j = 0; j < vector.size(); j++) {
      const m = vector.get(j)!;
      primes.push(m.value());
      m.delete();
    }
    return { primes, bits: data.totalCoeffModulusBitCount() };
  } finally {
    vector.delete();
    parms.delete();
    data.delete();
  }
}

/** What {@linkcode createSealContext} builds a SEAL context from. */
export interface SealContextOptions {
  /** The scheme. */
  scheme: "bfv" | "ckks";
  /** Ring degree n. */
  degree: number;
  /** The coefficient modulus (the caller's: not freed). */
  coeff: VectorModulus;
  /** BFV: the plaintext modulus. */
  plainModulus?: bigint;
  /** What the parameters are called in the error when SEAL refuses them. */
  name: string;
}

/**
 * A SEAL context at 128-bit security (freeing its temporaries).
 *
 * @throws {TypeError} `SEAL refuses the <name>` when SEAL does not set the parameters.
 */
export function createSealContext(seal: Seal, o: SealContextOptions): SEALContext {
  const parms = new seal.EncryptionParameters(
    o.scheme === "bfv" ? seal.SchemeType.bfv : seal.SchemeType.ckks,
  );
  const t = o.plainModulus === undefined ? null : new seal.Modulus(o.plainModulus);
  try {
    parms.setPolyModulusDegree(o.degree);
    parms.setCoeffModulus(o.coeff);
    if (t) parms.setPlainModulus(t);
    const context = sealCall(
      "SEALContext",
      () => new seal.SEALContext(parms, true, seal.SecLevelType.tc128),
    );
    if (!context.parametersSet()) {
      context.delete();
      throw new TypeError(`SEAL refuses the ${o.name}`);
    }
    return context;
  } finally {
    parms.delete();
    t?.delete();
  }
}

/**
 * A scheme context over one SEAL context (packed BFV, CKKS) with its evaluator and encoder, in the
 * shape key and envelope code expects. Free with `delete()` or `using`.
 */
export abstract class SingleSealContext<
  P extends SealContexts["params"],
  E extends { delete(): void },
> implements SealContexts {
  #deleted = false;
  /** The one SEAL context, in the shape key and envelope code expects. */
  readonly moduli: readonly { index: number; context: SEALContext }[];

  /** Takes ownership of `context`, `evaluator` and `encoder` (freed by `delete()`). */
  protected constructor(
    readonly seal: Seal,
    readonly params: P,
    readonly context: SEALContext,
    readonly evaluator: Evaluator,
    readonly encoder: E,
  ) {
    this.moduli = [{ index: 0, context }];
  }

  /** Frees the SEAL objects (idempotent). */
  delete(): void {
    if (this.#deleted) return;
    this.#deleted = true;
    this.encoder.delete();
    this.evaluator.delete();
    this.context.delete();
  }

  /** Frees at scope exit with `using`. */
  [Symbol.dispose](): void {
    this.delete();
  }
}
