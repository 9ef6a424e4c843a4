/** Prime search for plaintext moduli (deterministic Miller-Rabin on 64-bit integers). @module */

function modpow(b: bigint, e: bigint, m: bigint): bigint {
  let r = 1n;
  b %= m;
  while (e > 0n) {
    if (e & 1n) r = (r * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return r;
}

/** Deterministic primality test for n < 3.3e24 (the first 13 primes as bases). */
export function isPrime(n: bigint): boolean {
  if (n < 2n) return false;
  const small = [2n, 3n, 5n, 7n, 11n, 13n, 17n, 19n, 23n, 29n, 31n, 37n, 41n];
  for (const p of small) {
    if (n === p) return true;
    if (n % p === 0n) return false;
  }
  let d = n - 1n, s = 0;
  while ((d & 1n) === 0n) {
    d >>= 1n;
    s++;
  }
  outer: for (const a of small) {
    let x = modpow(a, d, n);
    if (x === 1n || x === n - 1n) continue;
    for (let i = 1; i < s; i++) {
      x = (x * x) % n;
      if (x === n - 1n) continue outer;
    }
    return false;
  }
  return true;
}

/**
 * `count` distinct primes `p = 1 (mod 2n)` with exactly `bits` bits, largest first: plaintext
 * moduli that support batching in ring degree `n`.
 *
 * @throws {RangeError} when the range holds fewer such primes.
 */
export function batchingPrimes(n: number, bits: number, count: number): bigint[] {
  if (bits > 60 || bits < 2) throw new RangeError(`expected 2 <= bits <= 60, received ${bits}`);
  const step = BigInt(2 * n);
  const lo = 1n << BigInt(bits - 1);
  let p = (((1n << BigInt(bits)) - 1n) / step) * step + 1n;
  if (p >= 1n << BigInt(bits)) p -= step;
  const out: bigint[] = [];
  for (; p >= lo && out.length < count; p -= step) if (isPrime(p)) out.push(p);
  if (out.length < count) {
    throw new RangeError(
      `expected ${count} ${bits}-bit primes = 1 mod ${2 * n}, found ${out.length}`,
    );
  }
  return out;
}
