/**
 * What the CKKS plans' client halves share: one ciphertext per query in the answer, read back as
 * `outputFactor` times the first slots (one per class).
 *
 * @module
 */
import type { CkksContext } from "../../schemes/ckks/ckks_context.ts";
import type { CkksParams } from "../../schemes/ckks/ckks_params.ts";
import { decryptPacked } from "../../schemes/ckks/client/packed_client.ts";
import { freeResult } from "../../seal/outputs.ts";
import { unpackResults } from "../../wire/payloads.ts";
import type { Decrypted } from "../client.ts";
import type { PlanSpec } from "../plan.ts";
import { SealPlanClient } from "./seal_plan_client.ts";

/** A CKKS plan's client half; each plan adds its own encryption. */
export abstract class CkksPlanClient<
  S extends PlanSpec<CkksParams, { readonly outputFactor: number }>,
> extends SealPlanClient<S, CkksContext> {
  /** Decrypts each query's answer: `outputFactor` times its first `classes` slots. */
  async decrypt(response: Uint8Array, queries: number): Promise<Decrypted> {
    const outputs = await unpackResults(this.ctx, response, { outputs: queries });
    try {
      const { outputs: classes } = this.spec.shape;
      const factor = this.spec.extra.outputFactor;
      return {
        exact: false,
        logits: null,
        scores: outputs.ciphertexts[0].map((ct) => decryptPacked(this.keys, ct!, classes, factor)),
      };
    } finally {
      freeResult(outputs);
    }
  }
}
