/**
 * Client side of the BFV slot product (`../slot_layout.ts`): a slot vector batch-encoded and
 * encrypted in SEAL's seeded symmetric form, and the slots of an answer decrypted as signed
 * integers (SEAL's batch decoding is centred: `(-t/2, t/2]`), for `readOutputs`.
 *
 * @module
 */
import type { BatchEncoder, Ciphertext } from "node-seal/dist/seal_throws.d.ts";
import type { ClientKeys } from "../../../seal/client/keys.ts";
import type { SealContexts } from "../../../seal/context.ts";
import { sealCall } from "../../../seal/runtime.ts";

/** What the client needs of a BFV batching context. */
export type SlotClientContext = SealContexts & { readonly encoder: BatchEncoder };

/** Encrypts a slot vector (values in `[0, t)`) into SEAL's seeded serialization. */
export function encryptSlotsSerialized(
  keys: ClientKeys<SlotClientContext>,
  slots: BigInt64Array,
): Uint8Array<ArrayBuffer> {
  const { seal, encoder } = keys.ctx;
  const pt = new seal.Plaintext();
  try {
    sealCall("encode", () => encoder.encode(slots, pt));
    const s = sealCall("encrypt", () => keys.encryptor(0).encryptSymmetricSerializable(pt));
    try {
      return new Uint8Array(s.saveToArray(seal.ComprModeType.none));
    } finally {
      s.delete();
    }
  } finally {
    pt.delete();
  }
}

/** The first `count` slots of an answer, as signed integers. */
export function decryptSlots(
  keys: ClientKeys<SlotClientContext>,
  ct: Ciphertext,
  count: number,
): bigint[] {
  const { seal, encoder } = keys.ctx;
  const pt = new seal.Plaintext();
  try {
    sealCall("decrypt", () => keys.decryptor(0).decrypt(ct, pt));
    const slots = sealCall("decode", () => encoder.decodeBigInt64(pt)) as BigInt64Array;
    return Array.from(slots.subarray(0, count));
  } finally {
    pt.delete();
  }
}
