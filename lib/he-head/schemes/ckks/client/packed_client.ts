/**
 * Client side of the packed plan: one CKKS ciphertext per query holding the packed vector
 * `[x_i x_j, x_i]` (the client knows `x`, so the products cost it nothing), and decryption of the
 * logits from the first `C` slots.
 *
 * @module
 */
import type { Ciphertext, Plaintext } from "node-seal/dist/seal_throws.d.ts";
import type { ClientKeys } from "../../../seal/client/keys.ts";
import { sealCall } from "../../../seal/runtime.ts";
import type { CkksContext } from "../ckks_context.ts";
import { type PackedLayout, slotVector } from "../packed_layout.ts";
import { packFeatures } from "../quadratic_form.ts";

/** Encodes a full slot vector at the context's scale. */
function encodeSlots(ctx: CkksContext, slots: Float64Array): Plaintext {
  const pt = new ctx.seal.Plaintext();
  try {
    sealCall("encode", () => ctx.encoder.encode(slots, ctx.scale, pt));
  } catch (e) {
    pt.delete();
    throw e;
  }
  return pt;
}

function encode(keys: ClientKeys<CkksContext>, x: ArrayLike<number>, layout: PackedLayout) {
  if (x.length !== layout.inputs) {
    throw new RangeError(`expected ${layout.inputs} features, received ${x.length}`);
  }
  return encodeSlots(keys.ctx, slotVector(packFeatures(x), layout));
}

/** Encrypts `pt` into a new ciphertext and frees `pt` (also on failure). */
function encryptOwned(keys: ClientKeys<CkksContext>, pt: Plaintext): Ciphertext {
  const ct = new keys.ctx.seal.Ciphertext();
  try {
    sealCall("encrypt", () => keys.encryptor(0).encryptSymmetric(pt, ct));
  } catch (e) {
    ct.delete();
    throw e;
  } finally {
    pt.delete();
  }
  return ct;
}

/** Encrypts one query into SEAL's seeded serialization (for an envelope). */
export function encryptPackedSerialized(
  keys: ClientKeys<CkksContext>,
  x: ArrayLike<number>,
  layout: PackedLayout,
): Uint8Array<ArrayBuffer> {
  const pt = encode(keys, x, layout);
  try {
    const s = sealCall("encrypt", () => keys.encryptor(0).encryptSymmetricSerializable(pt));
    try {
      return new Uint8Array(s.saveToArray(keys.ctx.seal.ComprModeType.none));
    } finally {
      s.delete();
    }
  } finally {
    pt.delete();
  }
}

/** Encrypts one query into a ciphertext object (in-process use). */
export function encryptPacked(
  keys: ClientKeys<CkksContext>,
  x: ArrayLike<number>,
  layout: PackedLayout,
): Ciphertext {
  return encryptOwned(keys, encode(keys, x, layout));
}

/** The real-valued logits: `outputFactor` times the first `outputs` slots of a result. */
export function decryptPacked(
  keys: ClientKeys<CkksContext>,
  result: Ciphertext,
  outputs: number,
  outputFactor: number,
): number[] {
  const ctx = keys.ctx;
  const pt = new ctx.seal.Plaintext();
  try {
    sealCall("decrypt", () => keys.decryptor(0).decrypt(result, pt));
    const slots = ctx.encoder.decodeFloat64(pt) as Float64Array;
    return Array.from(slots.subarray(0, outputs), (v) => v * outputFactor);
  } finally {
    pt.delete();
  }
}

/** Encrypts one image for a packed network: `x_int * inputUnit`, repeated with the input period. */
export function encryptPackedImage(
  keys: ClientKeys<CkksContext>,
  x: ArrayLike<number>,
  inputUnit: number,
  period: number,
): Ciphertext {
  const ctx = keys.ctx;
  const slots = new Float64Array(ctx.slots);
  for (let s = 0; s < ctx.slots; s++) {
    const i = s % period;
    slots[s] = i < x.length ? x[i] * inputUnit : 0;
  }
  return encryptOwned(keys, encodeSlots(ctx, slots));
}
