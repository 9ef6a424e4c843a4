/**
 * Client-side decryption and decoding of encrypted outputs back to exact integers: per modulus
 * decryption, CRT recombination, and (poly) evaluation of the decoded polynomial at 2.
 *
 * @module
 */
import type { Ciphertext, Plaintext } from "node-seal/dist/seal_throws.d.ts";
import type { EncryptedOutputs } from "../seal/evaluate_encrypted.ts";
import { sealCall } from "../seal/runtime.ts";
import { Crt } from "./crt.ts";
import type { ClientKeys } from "./keys.ts";

/** The coefficients of a (non-NTT) plaintext, read from SEAL's serialization. */
export function plaintextCoefficients(
  pt: Plaintext,
  seal: ClientKeys["ctx"]["seal"],
): BigUint64Array {
  const bytes = new Uint8Array(pt.saveToArray(seal.ComprModeType.none));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = Number(view.getBigUint64(48, true));
  const out = new BigUint64Array(count);
  for (let i = 0; i < count; i++) out[i] = view.getBigUint64(88 + 8 * i, true);
  return out;
}

function decryptResidues(keys: ClientKeys, ct: Ciphertext, i: number): BigUint64Array {
  const seal = keys.ctx.seal;
  const pt = new seal.Plaintext();
  try {
    sealCall("decrypt", () => keys.decryptor(i).decrypt(ct, pt));
    const m = keys.ctx.moduli[i];
    return m.encoder
      ? new BigUint64Array(m.encoder.decodeBigUint64(pt))
      : plaintextCoefficients(pt, seal);
  } finally {
    pt.delete();
  }
}

/**
 * Decrypts outputs for `count` queries into exact integers, `[query][output]`.
 *
 * @throws {RangeError} when the shape of `outputs` does not match the keys' context.
 */
export function decryptOutputs(
  keys: ClientKeys,
  outputs: EncryptedOutputs,
  count: number,
): bigint[][] {
  const k = keys.ctx.moduli.length;
  if (outputs.ciphertexts.length !== k) {
    throw new RangeError(
      `expected outputs for ${k} plaintext moduli, received ${outputs.ciphertexts.length}`,
    );
  }
  const width = outputs.constants.length;
  if (outputs.ciphertexts.some((row) => row.length !== width)) {
    throw new RangeError(`expected ${width} outputs for every modulus`);
  }
  const crt = new Crt(keys.ctx.moduli.map((m) => m.t));
  const poly = keys.ctx.params.encoding === "poly";
  const result: bigint[][] = Array.from({ length: count }, () => new Array<bigint>(width).fill(0n));
  for (let j = 0; j < width; j++) {
    if (outputs.ciphertexts[0][j] === null) {
      for (let q = 0; q < count; q++) result[q][j] = outputs.constants[j];
      continue;
    }
    const residues = outputs.ciphertexts.map((row, i) => {
      const ct = row[j];
      if (ct === null) throw new RangeError(`output ${j} is encrypted under some moduli only`);
      return decryptResidues(keys, ct, i);
    });
    if (poly) {
      const len = Math.max(...residues.map((r) => r.length));
      let value = 0n;
      for (let d = len - 1; d >= 0; d--) {
        value = 2n * value + crt.combine(residues.map((r) => r[d] ?? 0n));
      }
      result[0][j] = value;
    } else {
      for (let q = 0; q < count; q++) result[q][j] = crt.combine(residues.map((r) => r[q]));
    }
  }
  return result;
}

/** Smallest invariant noise budget (bits) over the encrypted outputs of each modulus. */
export function outputNoiseBudgets(keys: ClientKeys, outputs: EncryptedOutputs): number[] {
  return outputs.ciphertexts.map((row, i) => {
    let min = Infinity;
    for (const ct of row) {
      if (ct) {
        min = Math.min(
          min,
          sealCall("noise budget", () => keys.decryptor(i).invariantNoiseBudget(ct)),
        );
      }
    }
    return min;
  });
}
