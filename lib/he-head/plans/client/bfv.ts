/**
 * The client half the BFV plans share: keys for every plaintext modulus, encryption of quantized
 * features in the plan's encoding (seeded symmetric ciphertexts), and decryption with the plan's
 * decoding (CRT recombination; masked poly answers at 2 modulo each plaintext modulus).
 *
 * @module
 */
import { decryptOutputs, outputNoiseBudgets } from "../../schemes/bfv/client/decrypt.ts";
import { encryptInputsSerialized } from "../../schemes/bfv/client/encrypt.ts";
import { HeContext } from "../../schemes/bfv/bfv_context.ts";
import { freeResult } from "../../seal/outputs.ts";
import { SealPlanClient } from "./seal_plan_client.ts";
import { packInputs, unpackResults } from "../../wire/payloads.ts";
import type { ClientHalf, Decrypted, DecryptOptions, OpenOptions } from "../client.ts";
import type { BfvSpec } from "../bfv.ts";

/** A BFV plan's client half. */
class BfvPlanClient extends SealPlanClient<BfvSpec, HeContext> {
  encrypt(features: ArrayLike<number>, queries: number): Promise<Uint8Array<ArrayBuffer>> {
    const width = this.spec.shape.inputs;
    return packInputs(
      this.ctx.params,
      encryptInputsSerialized(this.keys, features, queries, width),
      queries,
    );
  }

  async decrypt(
    response: Uint8Array,
    queries: number,
    options: DecryptOptions = {},
  ): Promise<Decrypted> {
    const outputs = await unpackResults(this.ctx, response, { outputs: this.spec.shape.outputs });
    try {
      const logits = decryptOutputs(this.keys, outputs, queries);
      const scale = 2 ** -this.spec.shape.outputScaleLog2;
      return {
        exact: true,
        logits,
        scores: logits.map((l) => l.map((v) => Number(v) * scale)),
        ...(options.noiseBudget
          ? { noiseBudgetBits: Math.min(...outputNoiseBudgets(this.keys, outputs)) }
          : {}),
      };
    } finally {
      freeResult(outputs);
    }
  }
}

/** The client half of the BFV plans. */
export const BFV_CLIENT: ClientHalf<BfvSpec> = {
  async open(spec: BfvSpec, options?: OpenOptions) {
    return new BfvPlanClient(spec, await HeContext.create(spec.params), options);
  },
};
