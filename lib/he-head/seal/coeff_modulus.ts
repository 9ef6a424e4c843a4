/**
 * The ring checks the parameter sets with a coefficient modulus of their own (packed BFV, CKKS)
 * share: a ring degree SEAL secures at 128 bits and prime sizes within its bound for that degree.
 *
 * @module
 */

/** SEAL's largest total coefficient-modulus bits at 128-bit security, by ring degree. */
const MAX_COEFF_BITS: Readonly<Record<number, number>> = { 4096: 109, 8192: 218, 16384: 438 };

/** A checked ring: its degree, prime sizes and their total. */
export interface CheckedRing {
  /** Ring degree n. */
  n: number;
  /** The primes' bit sizes (data primes, then the special prime). */
  bits: number[];
  /** Their sum. */
  total: number;
}

/**
 * Checks `polyModulusDegree` (4096, 8192 or 16384) and `coeffModulusBits` (two or more sizes in
 * `[minPrimeBits, 60]`, at most SEAL's 128-bit total for the degree), reporting through `fail`.
 */
export function checkRing(
  p: { polyModulusDegree?: unknown; coeffModulusBits?: unknown },
  minPrimeBits: number,
  fail: (field: string, msg: string) => never,
): CheckedRing {
  const n = p.polyModulusDegree as number;
  const max = MAX_COEFF_BITS[n];
  if (!max) {
    fail("polyModulusDegree", `expected one of ${Object.keys(MAX_COEFF_BITS)}, received ${n}`);
  }
  const bits = p.coeffModulusBits as number[];
  if (
    !Array.isArray(bits) || bits.length < 2 ||
    bits.some((b) => !Number.isInteger(b) || b < minPrimeBits || b > 60)
  ) {
    fail(
      "coeffModulusBits",
      `expected 2 or more prime sizes in [${minPrimeBits}, 60], received ${JSON.stringify(bits)}`,
    );
  }
  const total = bits.reduce((a, b) => a + b, 0);
  if (total > max) {
    fail(
      "coeffModulusBits",
      `expected at most ${max} bits in all for 128-bit security, received ${total}`,
    );
  }
  return { n, bits, total };
}
