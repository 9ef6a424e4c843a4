/**
 * What every scheme's SEAL context shares: the shape code that loads or saves SEAL objects needs
 * ({@linkcode SealContexts}) and the data-level coefficient modulus SEAL actually built. The
 * schemes' contexts (`schemes/bfv/bfv_context.ts`, `schemes/ckks/ckks_context.ts`) build on it.
 *
 * @module
 */
import type { SEALContext } from "node-seal/dist/seal_throws.d.ts";
import type { Seal } from "./runtime.ts";

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
