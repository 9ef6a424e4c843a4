/**
 * Parameter sets of the exact packed BFV plan (`bfv_packed`): one batching plaintext prime `t`
 * that holds every logit (signed) and a coefficient modulus of two data primes and a small special
 * prime, chosen by `packed_noise.ts` (e.g. `bfv_n4096_q45x45_t30_packed`).
 *
 * @module
 */
import { isPrime } from "../../engine/primes.ts";
import { checkRing } from "../../seal/coeff_modulus.ts";

/** A packed BFV parameter set. */
export interface BfvPackedParams {
  /** The scheme. */
  scheme: "bfv";
  /** The layout: one query per ciphertext, the head as a slot matrix-vector product. */
  encoding: "packed";
  /** Ring degree n. */
  polyModulusDegree: number;
  /** Bit sizes of the coefficient-modulus primes (`CoeffModulus.Create`); the last is special. */
  coeffModulusBits: number[];
  /** The plaintext modulus (a batching prime, `t = 1 mod 2n`), as a decimal string. */
  plainModulus: string;
  /** Classical security level in bits. */
  securityLevel: 128;
}

/** A self-describing name, e.g. `bfv_n4096_q45x45_t30_packed`. */
export function packedPresetName(p: BfvPackedParams): string {
  const data = p.coeffModulusBits.slice(0, -1).join("x");
  return `bfv_n${p.polyModulusDegree}_q${data}_t${
    BigInt(p.plainModulus).toString(2).length
  }_packed`;
}

/**
 * Checks a packed BFV parameter set received from elsewhere.
 *
 * @throws {TypeError} naming the field, what was expected and what was received.
 */
export function validatePackedParams(v: unknown): BfvPackedParams {
  const p = v as Partial<BfvPackedParams>;
  const fail = (field: string, msg: string): never => {
    throw new TypeError(`packed BFV parameters: ${field}: ${msg}`);
  };
  if (typeof v !== "object" || v === null) {
    fail("(root)", `expected an object, received ${String(v)}`);
  }
  if (p.scheme !== "bfv") fail("scheme", `expected "bfv", received ${JSON.stringify(p.scheme)}`);
  if (p.encoding !== "packed") {
    fail("encoding", `expected "packed", received ${JSON.stringify(p.encoding)}`);
  }
  const { n, bits } = checkRing(p, 14, fail);
  if (typeof p.plainModulus !== "string" || !/^\d{1,19}$/.test(p.plainModulus)) {
    fail("plainModulus", `expected a decimal string, received ${JSON.stringify(p.plainModulus)}`);
  }
  const t = BigInt(p.plainModulus!);
  if (t < 2n || t >= 1n << 60n || (t - 1n) % BigInt(2 * n) !== 0n) {
    fail("plainModulus", `expected a batching prime t = 1 mod ${2 * n} below 2^60, received ${t}`);
  }
  if (p.securityLevel !== 128) fail("securityLevel", `expected 128, received ${p.securityLevel}`);
  return {
    scheme: "bfv",
    encoding: "packed",
    polyModulusDegree: n,
    coeffModulusBits: [...bits],
    plainModulus: p.plainModulus!,
    securityLevel: 128,
  };
}

/** The smallest batching prime `t = 1 mod 2n` with `t > above`. */
export function smallestBatchingPrime(n: number, above: bigint): bigint {
  const step = BigInt(2 * n);
  let t = (above / step + 1n) * step + 1n;
  while (!isPrime(t)) t += step;
  return t;
}
