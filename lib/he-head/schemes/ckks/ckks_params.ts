/**
 * CKKS parameter sets for packed plans, e.g. `ckks_n4096_q44x26_s26`: ring degree, the
 * coefficient-modulus primes (data primes then the special prime; at most SEAL's 128-bit bound
 * for the degree) and the encoding scale.
 *
 * @module
 */
import { checkRing } from "../../seal/coeff_modulus.ts";

/** A CKKS parameter set. */
export interface CkksParams {
  /** The scheme. */
  scheme: "ckks";
  /** Ring degree n (slots: n / 2). */
  polyModulusDegree: number;
  /** Bit sizes of the coefficient-modulus primes; the last one is the special prime. */
  coeffModulusBits: number[];
  /** Encoding scale of the queries, `2^scaleBits`. */
  scaleBits: number;
  /** Encoding scale of the server's plaintexts (weights); products sit at the sum. */
  weightScaleBits: number;
  /** Classical security level in bits. */
  securityLevel: 128;
}

/**
 * The default packed-head parameters: two 32-bit data primes used as one level (no rescaling:
 * the quadratic form needs a single plaintext multiplication) under a 45-bit special prime, so
 * key switching (rotations) adds little noise. Queries are encoded at 2^30 and weights at 2^18;
 * products sit at 2^48, leaving 14 bits of headroom below the 64-bit modulus (chosen by a sweep
 * of splits: max logit error about 3e-3 on random heads with logits in the hundreds).
 */
export const CKKS_N4096: CkksParams = {
  scheme: "ckks",
  polyModulusDegree: 4096,
  coeffModulusBits: [32, 32, 45],
  scaleBits: 30,
  weightScaleBits: 18,
  securityLevel: 128,
};

/** A self-describing name, e.g. `ckks_n4096_q44x26_s26`. */
export function ckksPresetName(p: CkksParams): string {
  return `ckks_n${p.polyModulusDegree}_q${
    p.coeffModulusBits.slice(0, -1).join("x")
  }_s${p.scaleBits}`;
}

/**
 * Checks a CKKS parameter set received from elsewhere.
 *
 * @throws {TypeError} naming the field, what was expected and what was received.
 */
export function validateCkksParams(v: unknown): CkksParams {
  const p = v as Partial<CkksParams>;
  const fail = (field: string, msg: string): never => {
    throw new TypeError(`CKKS parameters: ${field}: ${msg}`);
  };
  if (typeof v !== "object" || v === null) {
    fail("(root)", `expected an object, received ${String(v)}`);
  }
  if (p.scheme !== "ckks") fail("scheme", `expected "ckks", received ${JSON.stringify(p.scheme)}`);
  const { n, bits, total } = checkRing(p, 20, fail);
  const data = total - bits[bits.length - 1];
  for (const f of ["scaleBits", "weightScaleBits"] as const) {
    if (!Number.isInteger(p[f]) || p[f]! < 8 || p[f]! > 40) {
      fail(f, `expected an integer in [8, 40], received ${p[f]}`);
    }
  }
  if (p.scaleBits! + p.weightScaleBits! > data - 4) {
    fail(
      "scaleBits",
      `expected scaleBits + weightScaleBits <= ${
        data - 4
      } (data modulus minus headroom), received ${p.scaleBits! + p.weightScaleBits!}`,
    );
  }
  if (p.securityLevel !== 128) fail("securityLevel", `expected 128, received ${p.securityLevel}`);
  return {
    scheme: "ckks",
    polyModulusDegree: n,
    coeffModulusBits: [...bits],
    scaleBits: p.scaleBits!,
    weightScaleBits: p.weightScaleBits!,
    securityLevel: 128,
  };
}
