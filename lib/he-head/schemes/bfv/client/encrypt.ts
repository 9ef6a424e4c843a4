/**
 * Client-side encoding and encryption of integer inputs. poly: one query, each input value a
 * ciphertext of its binary polynomial. simd: up to n queries, one ciphertext per input feature
 * whose slot i holds query i's value.
 *
 * @module
 */
import type { Ciphertext, Plaintext } from "node-seal/dist/seal_throws.d.ts";
import { binaryCoefficients, plaintextBytes } from "../plaintexts.ts";
import { sealCall } from "../../../seal/runtime.ts";
import type { ClientKeys } from "../../../seal/client/keys.ts";

function checkBatch(
  keys: ClientKeys,
  values: ArrayLike<number>,
  count: number,
  width: number,
): void {
  const { encoding, polyModulusDegree: n } = keys.ctx.params;
  if (encoding === "poly" && count !== 1) {
    throw new RangeError(`the poly encoding carries one query per request, received ${count}`);
  }
  if (count < 1 || count > n) throw new RangeError(`expected 1 to ${n} queries, received ${count}`);
  if (values.length !== count * width) {
    throw new RangeError(
      `expected ${count} x ${width} = ${count * width} values, received ${values.length}`,
    );
  }
  for (let i = 0; i < values.length; i++) {
    if (!Number.isSafeInteger(values[i])) {
      throw new RangeError(`expected integers, received ${values[i]} at ${i}`);
    }
  }
}

/** Plaintexts of feature `f` for every modulus, built with `make` and freed by the caller. */
function encodeFeature(
  keys: ClientKeys,
  values: ArrayLike<number>,
  count: number,
  width: number,
  f: number,
): Plaintext[] {
  const seal = keys.ctx.seal;
  return keys.ctx.moduli.map((m) => {
    const pt = new seal.Plaintext();
    try {
      if (m.encoder) {
        const slots = new BigInt64Array(keys.ctx.degree);
        for (let q = 0; q < count; q++) slots[q] = BigInt(values[q * width + f]);
        sealCall("encode", () => m.encoder!.encode(slots, pt));
      } else {
        const bytes = plaintextBytes(binaryCoefficients(BigInt(values[f]), m.t));
        sealCall("encode", () => pt.loadFromArray(m.context, bytes));
      }
    } catch (e) {
      pt.delete();
      throw e;
    }
    return pt;
  });
}

/** Encodes every feature and hands each plaintext to `encrypt`; frees everything on failure. */
function encryptEach<T>(
  keys: ClientKeys,
  values: ArrayLike<number>,
  count: number,
  width: number,
  encrypt: (pt: Plaintext, modulus: number) => T,
  free: (t: T) => void,
): T[][] {
  checkBatch(keys, values, count, width);
  const out: T[][] = keys.ctx.moduli.map(() => []);
  try {
    for (let f = 0; f < width; f++) {
      const pts = encodeFeature(keys, values, count, width, f);
      try {
        pts.forEach((pt, i) => out[i].push(encrypt(pt, i)));
      } finally {
        pts.forEach((pt) => pt.delete());
      }
    }
  } catch (e) {
    out.flat().forEach(free);
    throw e;
  }
  return out;
}

/**
 * Encrypts row-major integer inputs (`count x width`) into ciphertext objects, `[modulus][feature]`
 * (for in-process evaluation).
 */
export function encryptInputs(
  keys: ClientKeys,
  values: ArrayLike<number>,
  count: number,
  width: number,
): Ciphertext[][] {
  return encryptEach(keys, values, count, width, (pt, i) => {
    const ct = new keys.ctx.seal.Ciphertext();
    try {
      sealCall("encrypt", () => keys.encryptor(i).encryptSymmetric(pt, ct));
    } catch (e) {
      ct.delete();
      throw e;
    }
    return ct;
  }, (ct) => ct.delete());
}

/**
 * Encrypts row-major integer inputs into SEAL's seeded serialization (half the size of a full
 * ciphertext), `[modulus][feature]`, ready for an envelope.
 */
export function encryptInputsSerialized(
  keys: ClientKeys,
  values: ArrayLike<number>,
  count: number,
  width: number,
): Uint8Array<ArrayBuffer>[][] {
  const none = keys.ctx.seal.ComprModeType.none;
  return encryptEach(keys, values, count, width, (pt, i) => {
    const s = sealCall("encrypt", () => keys.encryptor(i).encryptSymmetricSerializable(pt));
    try {
      return new Uint8Array(s.saveToArray(none));
    } finally {
      s.delete();
    }
  }, () => {});
}
