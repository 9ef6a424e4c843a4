/**
 * Worst-case noise of the BFV slot product (`slot_layout.ts`), a bound that holds for every input
 * and every key (no probabilistic model): answers decrypt exactly whenever it is below `q / 2t`.
 *
 * With `nu` the noise of `c0 + c1 s - (q / t) m` (SEAL scales plaintexts exactly, by rounding):
 * - fresh symmetric encryption: `|nu0| <= B + 1/2`, `B = 21` (SEAL's centred binomial error);
 * - times a plaintext `p` (coefficients in `[0, t)`): `|nu1| <= n (B + 1/2) (t - 1)`;
 * - one key switch (rotation, row swap) with `L` data primes `q_j` and special prime `P` adds
 *   `|ks| <= L n max(q_j) B / P + (n + 1) / 2` (the key errors, then rounding by `P`), and the
 *   Galois automorphism keeps `|nu|`;
 * - `G` groups summed Horner-style: `G nu1 + (G - 1) ks`; each of the `D` rotate-and-add steps
 *   (finals and row swap) doubles and adds `ks`;
 * - the answer's mask (a plaintext addition, exact up to rounding) adds `1/2`;
 * - dropping the last data prime: `nu' <= nu q' / q + (n + 1) / 2`.
 *
 * @module
 */
import { type SlotLayout, slotLayoutRotations } from "./slot_layout.ts";

/** SEAL's bound on a fresh error coefficient (centred binomial, 21 coin pairs). */
const SEAL_ERROR_BOUND = 21;

/** The bound at each level, in bits. */
export interface PackedNoiseBound {
  /** log2 of the bound on |nu| at the top level (after the product). */
  noiseLog2: number;
  /** Bits left at the top level: `log2(q / 2t) - noiseLog2` (must be > 0). */
  marginBits: number;
  /** Bits left after dropping `responsePrimesDropped` primes (must be > 0). */
  responseMarginBits: number;
  /** Primes dropped from the answer. */
  responsePrimesDropped: number;
}

const log2 = (x: bigint | number): number => {
  if (typeof x === "number") return Math.log2(x);
  const s = x.toString(2).length;
  const top = Number(x >> BigInt(Math.max(0, s - 53)));
  return Math.log2(top) + Math.max(0, s - 53);
};

/**
 * The worst-case bound for `layout` with data primes `primes` (SEAL's order), special prime
 * `special`, plaintext modulus `t` and ring degree `n`, answering at the level with `drop` data
 * primes removed (the most that keeps a positive margin when `drop` is omitted).
 */
export function packedNoiseBound(
  layout: SlotLayout,
  n: number,
  primes: readonly bigint[],
  special: bigint,
  t: bigint,
  drop?: number,
): PackedNoiseBound {
  const B = SEAL_ERROR_BOUND;
  const L = primes.length;
  const qMax = primes.reduce((a, b) => (a > b ? a : b));
  const rounding = (n + 1) / 2;
  const nu1 = n * (B + 0.5) * Number(t - 1n);
  const ks = 2 ** (log2(qMax) - log2(special)) * L * n * B + rounding;
  const G = layout.groups;
  const D = slotLayoutRotations(layout) - (G - 1);
  const nu = 2 ** D * (G * nu1 + (G - 1) * ks) + (2 ** D - 1) * ks + 0.5;
  const q = primes.reduce((a, b) => a * b, 1n);
  const marginBits = log2(q) - log2(2n * t) - Math.log2(nu);
  const noiseLog2 = Math.log2(nu);
  const margin = (d: number) => {
    const kept = primes.slice(0, L - d).reduce((a, b) => a * b, 1n);
    const scaled = 2 ** (Math.log2(nu) - (log2(q) - log2(kept))) + rounding;
    return log2(kept) - log2(2n * t) - Math.log2(scaled);
  };
  let dropped = drop ?? 0;
  if (drop === undefined) {
    for (let d = 1; d < L; d++) if (margin(d) > 0) dropped = d;
  }
  return {
    noiseLog2,
    marginBits,
    responseMarginBits: dropped === 0 ? marginBits : margin(dropped),
    responsePrimesDropped: dropped,
  };
}
