/**
 * The `bfv_packed` plan's client half: each query's monomials `[x_i x_j, x_i, 1]` arranged in the
 * interleaved slot layout, encrypted (seeded); each logit read back exactly as the sum of its
 * class's slots (additive shares) in the answer.
 *
 * @module
 */
import { decryptSlots, encryptSlotsSerialized } from "../../schemes/bfv/client/slot_client.ts";
import { BfvPackedContext } from "../../schemes/bfv/packed_context.ts";
import { arrangeSlots, readOutputs } from "../../schemes/bfv/slot_layout.ts";
import { packFeatures } from "../../schemes/ckks/quadratic_form.ts";
import { freeResult } from "../../seal/outputs.ts";
import { sealCall } from "../../seal/runtime.ts";
import { packInputs, unpackResults } from "../../wire/payloads.ts";
import type { ClientHalf, Decrypted, DecryptOptions, OpenOptions } from "../client.ts";
import { SealPlanClient } from "../client/seal_plan_client.ts";
import type { BfvPackedSpec } from "./plan.ts";

/** The packed BFV plan's client half. */
class BfvPackedPlanClient extends SealPlanClient<BfvPackedSpec, BfvPackedContext> {
  encrypt(features: ArrayLike<number>, queries: number): Promise<Uint8Array<ArrayBuffer>> {
    const width = this.spec.shape.inputs;
    if (features.length !== queries * width) {
      throw new RangeError(
        `expected ${queries} x ${width} features, received ${features.length} values`,
      );
    }
    const cts = [];
    for (let q = 0; q < queries; q++) {
      const x = Array.prototype.slice.call(features, q * width, (q + 1) * width) as number[];
      const slots = arrangeSlots([...packFeatures(x), 1], this.spec.extra.layout, this.ctx.t);
      cts.push(encryptSlotsSerialized(this.keys, slots));
    }
    return packInputs(this.ctx.params, [cts], queries);
  }

  async decrypt(
    response: Uint8Array,
    queries: number,
    options: DecryptOptions = {},
  ): Promise<Decrypted> {
    const outputs = await unpackResults(this.ctx, response, { outputs: queries });
    try {
      const cts = outputs.ciphertexts[0].map((ct, q) => {
        if (!ct) {
          throw new RangeError(`expected an encrypted answer for query ${q}, received a constant`);
        }
        return ct;
      });
      const { layout } = this.spec.extra;
      const logits = cts.map((ct) =>
        readOutputs(decryptSlots(this.keys, ct, layout.slots), layout, this.ctx.t)
      );
      const scale = 2 ** -this.spec.shape.outputScaleLog2;
      const budget = () =>
        Math.min(
          ...cts.map((ct) =>
            sealCall("noise budget", () => this.keys.decryptor(0).invariantNoiseBudget(ct))
          ),
        );
      return {
        exact: true,
        logits,
        scores: logits.map((l) => l.map((v) => Number(v) * scale)),
        ...(options.noiseBudget ? { noiseBudgetBits: budget() } : {}),
      };
    } finally {
      freeResult(outputs);
    }
  }
}

/** The `bfv_packed` plan's client half. */
export const BFV_PACKED_CLIENT: ClientHalf<BfvPackedSpec> = {
  async open(spec: BfvPackedSpec, options?: OpenOptions) {
    return new BfvPackedPlanClient(spec, await BfvPackedContext.create(spec.params), options);
  },
};
