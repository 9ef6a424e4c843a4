/**
 * Circuit privacy on the server side: what an answer may reveal after the client decrypts it is
 * the logits and nothing else.
 *
 * - poly: {@linkcode maskPolyOutputs} adds `r(X) (X - 2)` with `r` uniform modulo t of degree
 *   `<= n - 2`. Multiplication by the monic `X - 2` is injective, so these masks are exactly the
 *   polynomials of degree `< n` that vanish at 2 modulo t: the masked answer is uniform among
 *   those with the same value at 2, which is all the client learns (it decodes at 2 modulo t).
 * - simd: {@linkcode maskSpareSlots} adds uniform values modulo t to every slot beyond the queries
 *   of the request, so unused slots (the head applied to whatever the client put there) reveal
 *   nothing: a request yields at most the evaluations it declares.
 * - both: {@linkcode floodOutputs} re-randomises each answer with a fresh public-key encryption
 *   of zero and adds noise `E` uniform on `[-2^beta, 2^beta)` (see `params/flooding.ts` for beta)
 *   so the decrypted noise is statistically independent of the circuit.
 *
 * Every random value comes from `crypto.getRandomValues`, per answer and per plaintext modulus.
 * Every SEAL object made here is freed on every path.
 *
 * @module
 */
import type { Ciphertext, Plaintext, PublicKey } from "node-seal/dist/seal_throws.d.ts";
import type { HeContext, ModulusContext } from "../bfv_context.ts";
import { plaintextBytes } from "../plaintexts.ts";
import { sealCall } from "../../../seal/runtime.ts";

const RANDOM_CHUNK = 65536; // crypto.getRandomValues' limit in bytes

/** Fills `out` with random 64-bit words from `crypto.getRandomValues`. */
function randomWords(out: BigUint64Array): BigUint64Array {
  for (let at = 0; at < out.length; at += RANDOM_CHUNK / 8) {
    crypto.getRandomValues(out.subarray(at, at + RANDOM_CHUNK / 8));
  }
  return out;
}

/** 32-bit words of a BigUint64Array, low word first (every platform Deno runs on). */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** `count` integers uniform in `[0, t)` for `t <= 2^32`, as numbers (rejection: no bias). */
function uniformBelow32(t: number, count: number): Float64Array {
  const limit = 2 ** 32 - (2 ** 32 % t);
  const out = new Float64Array(count);
  const words = new Uint32Array(Math.min(count + 16, RANDOM_CHUNK / 4));
  let k = 0;
  while (k < count) {
    crypto.getRandomValues(words);
    for (let i = 0; i < words.length && k < count; i++) {
      if (words[i] < limit) out[k++] = words[i] % t;
    }
  }
  return out;
}

/** Numbers below 2^32 as 64-bit words. */
function toWords(values: Float64Array): BigUint64Array {
  const out = new BigUint64Array(values.length);
  if (LITTLE_ENDIAN) {
    const halves = new Uint32Array(out.buffer);
    for (let i = 0; i < values.length; i++) halves[2 * i] = values[i];
  } else for (let i = 0; i < values.length; i++) out[i] = BigInt(values[i]);
  return out;
}

/**
 * `count` integers uniform in `[0, t)` from `crypto.getRandomValues` (rejection sampling: no
 * modulo bias).
 *
 * @throws {RangeError} unless `2 <= t < 2^63`.
 */
export function uniformBelow(t: bigint, count: number): BigUint64Array {
  if (t < 2n || t >= 1n << 63n) throw new RangeError(`expected 2 <= t < 2^63, received ${t}`);
  if (t <= 1n << 32n) return toWords(uniformBelow32(Number(t), count));
  const limit = (1n << 64n) - ((1n << 64n) % t);
  const out = new BigUint64Array(count);
  const words = new BigUint64Array(Math.min(count + 16, RANDOM_CHUNK / 8));
  let k = 0;
  while (k < count) {
    randomWords(words);
    for (let i = 0; i < words.length && k < count; i++) {
      if (words[i] < limit) out[k++] = words[i] % t;
    }
  }
  return out;
}

/**
 * The coefficients (ascending, length `n`, each in `[0, t)`) of `r(X) (X - 2) mod t` for `r`
 * uniform of degree `<= n - 2`: a uniformly random polynomial of degree `< n` vanishing at 2.
 *
 * @throws {RangeError} unless `2 <= t < 2^63`.
 */
export function randomMultipleOfXMinus2(n: number, t: bigint): BigUint64Array {
  // (X - 2) r(X) = sum_i r_i X^(i+1) - 2 r_i X^i.
  if (t >= 2n && t <= 1n << 32n) {
    const tn = Number(t);
    const r = uniformBelow32(tn, n - 1);
    const c = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = (i > 0 ? r[i - 1] : 0) - 2 * (i < n - 1 ? r[i] : 0); // exact: |v| < 2^34
      c[i] = ((v % tn) + tn) % tn;
    }
    return toWords(c);
  }
  const r = uniformBelow(t, n - 1);
  const c = new BigUint64Array(n);
  for (let i = 0; i < n; i++) {
    const v = (i > 0 ? r[i - 1] : 0n) - 2n * (i < n - 1 ? r[i] : 0n);
    c[i] = ((v % t) + t) % t;
  }
  return c;
}

function withNew<T extends { delete(): void }>(create: () => T, fill: (x: T) => void): T {
  const x = create();
  try {
    fill(x);
  } catch (e) {
    x.delete();
    throw e;
  }
  return x;
}

function addPlainEach(
  ctx: HeContext,
  ciphertexts: (Ciphertext | null)[][],
  plaintext: (m: ModulusContext, pt: Plaintext) => void,
): void {
  ciphertexts.forEach((row, i) => {
    const m = ctx.moduli[i];
    for (const ct of row) {
      if (ct === null) continue;
      const pt = withNew(() => new ctx.seal.Plaintext(), (p) => plaintext(m, p));
      try {
        sealCall("addPlain (mask)", () => m.evaluator.addPlainInplace(ct, pt));
      } finally {
        pt.delete();
      }
    }
  });
}

/**
 * poly: adds a fresh uniformly random multiple of `(X - 2)` (degree `< n`, no negacyclic wrap) to
 * every encrypted output, in place; one plaintext addition each. The outputs must have degree
 * `< n` (parameter selection ensures it), so their value at 2 is unchanged modulo t.
 *
 * @throws {RangeError} for a simd context.
 */
export function maskPolyOutputs(ctx: HeContext, ciphertexts: (Ciphertext | null)[][]): void {
  if (ctx.params.encoding !== "poly") {
    throw new RangeError(`expected a poly context to mask with (X - 2), received ${ctx.name}`);
  }
  const n = ctx.degree;
  addPlainEach(ctx, ciphertexts, (m, pt) =>
    sealCall(
      "mask plaintext",
      () => pt.loadFromArray(m.context, plaintextBytes(randomMultipleOfXMinus2(n, m.t))),
    ));
}

/**
 * simd: adds uniform values modulo t to every slot at or beyond `queries` of every encrypted
 * output, in place (nothing when every slot is a query).
 *
 * @throws {RangeError} for a poly context or `queries` outside `[1, n]`.
 */
export function maskSpareSlots(
  ctx: HeContext,
  ciphertexts: (Ciphertext | null)[][],
  queries: number,
): void {
  const n = ctx.degree;
  if (ctx.params.encoding !== "simd") {
    throw new RangeError(`expected a simd context to mask slots, received ${ctx.name}`);
  }
  if (!Number.isInteger(queries) || queries < 1 || queries > n) {
    throw new RangeError(`expected 1 to ${n} queries, received ${queries}`);
  }
  if (queries === n) return;
  addPlainEach(ctx, ciphertexts, (m, pt) => {
    const slots = new BigUint64Array(n);
    slots.set(uniformBelow(m.t, n - queries), queries);
    sealCall("encode mask", () => m.encoder!.encode(slots, pt));
  });
}

// SEAL 4 serialization of a ciphertext (compression none): header (16), parms_id (32),
// is_ntt_form (1), size, poly_modulus_degree, coeff_modulus_size (8 each), scale (8),
// correction factor (8), then the data array: header (16), element count (8), residues.
const CT_SIZE = 49;
const CT_DEGREE = 57;
const CT_PRIMES = 65;
const CT_COUNT = 105;
const CT_DATA = 113;

/**
 * Adds `E` to the first component of a serialized ciphertext, in place: `E_i` uniform on
 * `[-2^beta, 2^beta)`, reduced modulo each prime of `primes` (the ciphertext's own level).
 *
 * @throws {RangeError} when the bytes do not hold a 2-component ciphertext over `primes`.
 */
export function addFloodingNoise(
  bytes: Uint8Array,
  n: number,
  primes: readonly bigint[],
  beta: number,
): void {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const k = primes.length;
  const got = {
    size: Number(v.getBigUint64(CT_SIZE, true)),
    degree: Number(v.getBigUint64(CT_DEGREE, true)),
    primes: Number(v.getBigUint64(CT_PRIMES, true)),
    count: Number(v.getBigUint64(CT_COUNT, true)),
  };
  if (
    got.size !== 2 || got.degree !== n || got.primes !== k || got.count !== 2 * k * n ||
    bytes.length !== CT_DATA + 16 * k * n
  ) {
    throw new RangeError(
      `expected a 2-component ciphertext of degree ${n} over ${k} primes (${
        CT_DATA + 16 * k * n
      } bytes), received ${JSON.stringify(got)} in ${bytes.length} bytes`,
    );
  }
  if (!Number.isInteger(beta) || beta < 1 || beta > 1000) {
    throw new RangeError(`expected an integer flooding exponent in [1, 1000], received ${beta}`);
  }
  const wordsPer = Math.ceil((beta + 1) / 64);
  const top = BigInt(wordsPer * 64 - (beta + 1)); // surplus high bits dropped
  const offset = 1n << BigInt(beta);
  const offsets = primes.map((q) => offset % q);
  const batch = Math.max(1, Math.floor(RANDOM_CHUNK / 8 / wordsPer));
  const words = new BigUint64Array(batch * wordsPer);
  for (let i0 = 0; i0 < n; i0 += batch) {
    randomWords(words);
    for (let i = i0; i < Math.min(n, i0 + batch); i++) {
      let w = 0n;
      for (let l = 0; l < wordsPer; l++) w = (w << 64n) | words[(i - i0) * wordsPer + l];
      w >>= top; // uniform on [0, 2^(beta+1))
      for (let j = 0; j < k; j++) {
        const q = primes[j];
        const at = CT_DATA + 8 * (j * n + i);
        const c = v.getBigUint64(at, true);
        // c + (w - 2^beta) mod q, all terms reduced first.
        v.setBigUint64(at, (c + (w % q) + q - offsets[j]) % q, true);
      }
    }
  }
}

/**
 * Floods every encrypted output, in place: `ct + Enc_pk(0) + (E, 0)` with a fresh public-key
 * encryption of zero under the client's key of each modulus and `E` as in
 * {@linkcode addFloodingNoise}. The outputs must be at the top data level (before any modulus
 * switching).
 *
 * @throws {RangeError} when a modulus has encrypted outputs but no public key, or an output is
 * not at the top level; {@linkcode SealError} when SEAL refuses the key.
 */
export function floodOutputs(
  ctx: HeContext,
  ciphertexts: (Ciphertext | null)[][],
  publicKeys: readonly (PublicKey | null)[],
  beta: number,
): void {
  const { seal } = ctx;
  const { primes } = ctx.dataModulus;
  const none = seal.ComprModeType.none;
  ciphertexts.forEach((row, i) => {
    if (row.every((ct) => ct === null)) return;
    const pk = publicKeys[i];
    if (!pk) {
      throw new RangeError(
        `expected the client's public key for plaintext modulus ${i} to flood the answer, received none`,
      );
    }
    const m = ctx.moduli[i];
    const encryptor = sealCall("Encryptor", () => new seal.Encryptor(m.context, pk));
    try {
      for (const ct of row) {
        if (ct === null) continue;
        if (ct.coeffModulusSize() !== primes.length) {
          throw new RangeError(
            `expected an answer at the top level (${primes.length} primes) to flood, received ${ct.coeffModulusSize()}`,
          );
        }
        const zero = new seal.Ciphertext();
        try {
          sealCall("encryptZero", () => encryptor.encryptZero(zero));
          const bytes = new Uint8Array(sealCall("save", () => zero.saveToArray(none)));
          addFloodingNoise(bytes, ctx.degree, primes, beta);
          sealCall("load flooding", () => zero.loadFromArray(m.context, bytes));
          sealCall("add (flood)", () => m.evaluator.addInplace(ct, zero));
        } finally {
          zero.delete();
        }
      }
    } finally {
      encryptor.delete();
    }
  });
}
