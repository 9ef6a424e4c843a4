/**
 * Encrypted outputs as both sides hold them: the server's evaluation result before packing, the
 * client's unpacked response before decryption. Shared, so neither the wire nor the client
 * imports server evaluation code.
 *
 * @module
 */
import type { Ciphertext } from "node-seal/dist/seal_throws.d.ts";
import type { LayerHops } from "../engine/hops.ts";

/** Encrypted outputs: `[modulus][output]` ciphertexts, or constants where an output is constant. */
export interface EncryptedOutputs {
  /** `[modulus][output]`, null where the output is a constant. */
  ciphertexts: (Ciphertext | null)[][];
  /** The value of each output whose ciphertext is null (0 elsewhere). */
  constants: bigint[];
}

/** Encrypted outputs and the HOPs spent per layer for one modulus (every modulus spends the same). */
export interface EncryptedResult extends EncryptedOutputs {
  /** HOPs per layer for one plaintext modulus. */
  hops: LayerHops[];
}

/** Frees the ciphertexts of a result. */
export function freeResult(r: Pick<EncryptedResult, "ciphertexts">): void {
  for (const row of r.ciphertexts) for (const ct of row) ct?.delete();
}
