/**
 * BFV parameter sets: what the client and the server must agree on, with self-describing preset
 * names (`bfv_n8192_t2x27_simd`) and a hash that ciphertext envelopes carry.
 *
 * @module
 */
/** How values are laid out in plaintexts. */
export type Encoding = "poly" | "simd";

/**
 * A BFV parameter set. With several plaintext moduli the circuit runs once per modulus and the
 * client recombines the results by the Chinese remainder theorem (as CryptoNets did).
 */
export interface HeParams {
  /** The scheme. */
  scheme: "bfv";
  /** `poly`: one value per ciphertext, as a binary polynomial; `simd`: one query per slot. */
  encoding: Encoding;
  /** Ring degree n. */
  polyModulusDegree: number;
  /** Bit sizes of the coefficient modulus primes (SEAL's 128-bit default for n). */
  coeffModulusBits: number[];
  /** Pairwise coprime plaintext moduli, as decimal strings. */
  plainModuli: string[];
  /** Classical security level in bits. */
  securityLevel: 128;
  /**
   * poly only, when true: the server adds a uniformly random multiple of `(X - 2)` to every
   * answer, so the client evaluates each decrypted polynomial at 2 modulo each plaintext modulus
   * and recombines by CRT (the moduli hold the logits' range, not only their coefficients).
   * Absent on unmasked parameter sets (decoded coefficient by coefficient).
   */
  maskedOutputs?: true;
  /**
   * When present, answers are noise-flooded to statistical distance `2^-floodingBits` from a
   * simulation that knows only the decrypted plaintext; the parameters leave the budget for it.
   */
  floodingBits?: number;
}

/** Statistical security (bits) of noise flooding in flooded plans. */
export const FLOODING_BITS = 40;

/** SEAL's `CoeffModulus.BFVDefault(n, tc128)` bit sizes (the last prime is the special prime). */
export const BFV_DEFAULT_COEFF_BITS: Readonly<Record<number, readonly number[]>> = {
  4096: [36, 36, 37],
  8192: [43, 43, 44, 44, 44],
  16384: [48, 48, 48, 49, 49, 49, 49, 49, 49],
  32768: [55, 55, 55, 55, 55, 55, 55, 55, 55, 55, 55, 55, 55, 55, 55, 56],
};

/** Ring degrees the engine supports (n=2048 has no special prime, so no relinearisation). */
export const RING_DEGREES: readonly number[] = [4096, 8192, 16384, 32768];

/** Bits of the data-level coefficient modulus (all primes but the special one). */
export function dataModulusBits(p: Pick<HeParams, "coeffModulusBits">): number {
  return p.coeffModulusBits.slice(0, -1).reduce((a, b) => a + b, 0);
}

/** The plaintext moduli as bigints. */
export function plainModuli(p: HeParams): bigint[] {
  return p.plainModuli.map((t) => BigInt(t));
}

/** Product of the plaintext moduli: results are exact when their magnitude is below half of it. */
export function plainModulusProduct(p: HeParams): bigint {
  return plainModuli(p).reduce((a, b) => a * b, 1n);
}

/** A self-describing name such as `bfv_n4096_t22_poly` or `bfv_n8192_t3x26_simd`. */
export function presetName(p: HeParams): string {
  const bits = plainModuli(p).map((t) => t.toString(2).length);
  const maxBits = Math.max(...bits);
  const t = bits.length === 1 ? `t${maxBits}` : `t${bits.length}x${maxBits}`;
  const flooded = p.floodingBits === undefined ? "" : "_flooded";
  return `${p.scheme}_n${p.polyModulusDegree}_${t}_${p.encoding}${flooded}`;
}

function gcd(a: bigint, b: bigint): bigint {
  while (b) [a, b] = [b, a % b];
  return a;
}

/**
 * Checks a parameter set received from elsewhere (a model description, a request).
 *
 * @throws {TypeError} saying which field is wrong, what was expected and what was received.
 */
export function validateParams(v: unknown): HeParams {
  const p = v as Partial<HeParams>;
  const fail = (field: string, msg: string): never => {
    throw new TypeError(`HE parameters: ${field}: ${msg}`);
  };
  if (typeof v !== "object" || v === null) {
    fail("(root)", `expected an object, received ${String(v)}`);
  }
  if (p.scheme !== "bfv") fail("scheme", `expected "bfv", received ${JSON.stringify(p.scheme)}`);
  if (p.encoding !== "poly" && p.encoding !== "simd") {
    fail("encoding", `expected "poly" or "simd", received ${JSON.stringify(p.encoding)}`);
  }
  const n = p.polyModulusDegree as number;
  if (!RING_DEGREES.includes(n)) {
    fail("polyModulusDegree", `expected one of ${RING_DEGREES}, received ${n}`);
  }
  const bits = BFV_DEFAULT_COEFF_BITS[n];
  if (
    !Array.isArray(p.coeffModulusBits) || p.coeffModulusBits.length !== bits.length ||
    p.coeffModulusBits.some((b, i) => b !== bits[i])
  ) {
    fail(
      "coeffModulusBits",
      `expected SEAL's 128-bit default [${bits}], received ${JSON.stringify(p.coeffModulusBits)}`,
    );
  }
  if (p.securityLevel !== 128) fail("securityLevel", `expected 128, received ${p.securityLevel}`);
  if (!Array.isArray(p.plainModuli) || p.plainModuli.length < 1 || p.plainModuli.length > 16) {
    fail("plainModuli", `expected 1 to 16 moduli, received ${JSON.stringify(p.plainModuli)}`);
  }
  const ts = p.plainModuli!.map((t, i) => {
    if (typeof t !== "string" || !/^\d{1,19}$/.test(t)) {
      fail(`plainModuli[${i}]`, `expected a decimal string, received ${JSON.stringify(t)}`);
    }
    const x = BigInt(t);
    if (x < 2n || x >= 1n << 60n) {
      fail(`plainModuli[${i}]`, `expected 2 <= t < 2^60, received ${t}`);
    }
    if (p.encoding === "simd" && (x - 1n) % BigInt(2 * n) !== 0n) {
      fail(`plainModuli[${i}]`, `expected a batching prime (t = 1 mod ${2 * n}), received ${t}`);
    }
    return x;
  });
  for (let i = 0; i < ts.length; i++) {
    for (let j = i + 1; j < ts.length; j++) {
      if (gcd(ts[i], ts[j]) !== 1n) {
        fail("plainModuli", `expected pairwise coprime moduli, ${ts[i]} and ${ts[j]} are not`);
      }
    }
  }
  if (p.maskedOutputs !== undefined && (p.maskedOutputs !== true || p.encoding !== "poly")) {
    fail(
      "maskedOutputs",
      `expected true (poly only) or absent, received ${
        JSON.stringify(p.maskedOutputs)
      } (${p.encoding})`,
    );
  }
  const fb = p.floodingBits;
  if (fb !== undefined && (!Number.isInteger(fb) || fb < FLOODING_BITS || fb > 128)) {
    fail(
      "floodingBits",
      `expected an integer in [${FLOODING_BITS}, 128] or absent, received ${JSON.stringify(fb)}`,
    );
  }
  return {
    scheme: "bfv",
    encoding: p.encoding!,
    polyModulusDegree: n,
    coeffModulusBits: [...bits],
    plainModuli: [...p.plainModuli!],
    securityLevel: 128,
    ...(p.maskedOutputs ? { maskedOutputs: true as const } : {}),
    ...(fb !== undefined ? { floodingBits: fb } : {}),
  };
}
