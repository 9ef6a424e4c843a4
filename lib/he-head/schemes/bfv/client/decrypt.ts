/**
 * Client-side decryption and decoding of encrypted outputs back to exact integers: per modulus
 * decryption, CRT recombination, and (poly) evaluation of the decoded polynomial at 2: over the
 * integers after a per-coefficient CRT (unmasked parameters), or modulo each plaintext modulus
 * before the CRT (masked parameters, whose answers carry a random multiple of `X - 2`).
 *
 * @module
 */
import type { Ciphertext, Plaintext } from "node-seal/dist/seal_throws.d.ts";
import type { EncryptedOutputs } from "../../../seal/outputs.ts";
import { sealCall } from "../../../seal/runtime.ts";
import { Crt } from "../../../engine/crt.ts";
import type { ClientKeys } from "../../../seal/client/keys.ts";

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
 * How poly outputs decode: `"coefficients"` recombines each coefficient by CRT and evaluates at 2
 * over the integers (needs every coefficient below half the product of the moduli);
 * `"value"` evaluates at 2 modulo each modulus and recombines the values (needs every logit below
 * half the product; the only decoding of masked answers).
 */
export type PolyDecoding = "coefficients" | "value";

/** The polynomial `coefficients` evaluated at 2 modulo `t`. */
export function valueAt2(coefficients: ArrayLike<bigint>, t: bigint): bigint {
  let value = 0n;
  for (let d = coefficients.length - 1; d >= 0; d--) value = (2n * value + coefficients[d]) % t;
  return value;
}

/**
 * Decodes decrypted residues into exact integers `[query][output]`: `residues[modulus][output]`
 * holds slot values (simd) or polynomial coefficients (poly) modulo each plaintext modulus, or
 * null where the output is the constant `constants[output]`.
 */
export function decodeResidues(
  encoding: "poly" | "simd",
  moduli: readonly bigint[],
  residues: readonly (readonly (ArrayLike<bigint> | null)[])[],
  constants: readonly bigint[],
  count: number,
  polyDecoding: PolyDecoding = "coefficients",
): bigint[][] {
  const crt = new Crt(moduli);
  const width = constants.length;
  const result: bigint[][] = Array.from({ length: count }, () => new Array<bigint>(width).fill(0n));
  for (let j = 0; j < width; j++) {
    const rs = residues.map((row) => row[j]);
    if (rs.every((r) => r === null)) {
      for (let q = 0; q < count; q++) result[q][j] = constants[j];
      continue;
    }
    if (rs.some((r) => r === null)) {
      throw new RangeError(`output ${j} is encrypted under some moduli only`);
    }
    const r = rs as ArrayLike<bigint>[];
    if (encoding === "poly" && polyDecoding === "value") {
      result[0][j] = crt.combine(r.map((x, i) => valueAt2(x, moduli[i])));
    } else if (encoding === "poly") {
      const len = Math.max(...r.map((x) => x.length));
      let value = 0n;
      for (let d = len - 1; d >= 0; d--) value = 2n * value + crt.combine(r.map((x) => x[d] ?? 0n));
      result[0][j] = value;
    } else {
      for (let q = 0; q < count; q++) result[q][j] = crt.combine(r.map((x) => x[q]));
    }
  }
  return result;
}

/** Decrypts one modulus' outputs into residues (slot values or coefficients), null for constants. */
export function decryptToResidues(
  keys: ClientKeys,
  outputs: EncryptedOutputs,
  modulus: number,
): (BigUint64Array | null)[] {
  return outputs.ciphertexts[modulus].map((
    ct,
  ) => (ct === null ? null : decryptResidues(keys, ct, modulus)));
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
  const residues = outputs.ciphertexts.map((_, i) => decryptToResidues(keys, outputs, i));
  return decodeResidues(
    keys.ctx.params.encoding,
    keys.ctx.moduli.map((m) => m.t),
    residues,
    outputs.constants,
    count,
    keys.ctx.params.maskedOutputs ? "value" : "coefficients",
  );
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
