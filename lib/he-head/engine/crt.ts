/** Chinese-remainder recombination of residues modulo the plaintext moduli. @module */

function modInverse(a: bigint, m: bigint): bigint {
  let [r0, r1] = [((a % m) + m) % m, m];
  let [s0, s1] = [1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  if (r0 !== 1n) throw new RangeError(`${a} has no inverse modulo ${m}`);
  return ((s0 % m) + m) % m;
}

/** Recombines residues into the centered integer in `(-M/2, M/2]`, `M` the product of moduli. */
export class Crt {
  /** Product of the moduli. */
  readonly product: bigint;
  private readonly basis: bigint[];
  /**
   * Creates a {@linkcode Crt}.
   *
   * @param moduli pairwise coprime moduli
   */
  constructor(readonly moduli: readonly bigint[]) {
    this.product = moduli.reduce((a, b) => a * b, 1n);
    this.basis = moduli.map((t) => {
      const mi = this.product / t;
      return mi * modInverse(mi, t);
    });
  }
  /** The centered integer whose residues are `r[i] mod moduli[i]`. */
  combine(r: readonly bigint[]): bigint {
    let x = 0n;
    for (let i = 0; i < r.length; i++) x += r[i] * this.basis[i];
    x %= this.product;
    if (x < 0n) x += this.product;
    return x > this.product / 2n ? x - this.product : x;
  }
}
