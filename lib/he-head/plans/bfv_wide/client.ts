/**
 * The `bfv_wide` plan's client half: each query's features arranged in the wide layout's
 * pre-rotated blocks and encrypted (seeded), and each answer decrypted and read as shares: the
 * logit of class `c` is the sum of slots `c G .. c G + G - 1` modulo t, centred.
 *
 * @module
 */
import { decryptSlots, encryptSlotsSerialized } from "../../schemes/bfv/client/slot_client.ts";
import { querySlots } from "../../schemes/bfv/wide_layout.ts";
import { WideSealContext } from "../../schemes/bfv/wide_context.ts";
import { freeResult } from "../../seal/outputs.ts";
import { sealCall } from "../../seal/runtime.ts";
import { packInputs, unpackResults } from "../../wire/payloads.ts";
import type { ClientHalf, Decrypted, DecryptOptions, OpenOptions } from "../client.ts";
import { SealPlanClient } from "../client/seal_plan_client.ts";
import type { WideSpec } from "./plan.ts";

/** Adds each class's shares modulo t and centres the sums. */
function addShares(slots: readonly bigint[], classes: number, groups: number, t: bigint) {
  return Array.from({ length: classes }, (_, c) => {
    let s = 0n;
    for (let g = 0; g < groups; g++) s += slots[c * groups + g];
    s = ((s % t) + t) % t;
    return s > t / 2n ? s - t : s;
  });
}

class WidePlanClient extends SealPlanClient<WideSpec, WideSealContext> {
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
      const slots = BigInt64Array.from(querySlots(this.spec.extra.layout, x), (v) => BigInt(v));
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
      const { outputs: classes } = this.spec.shape;
      const groups = this.spec.extra.groups;
      const logits = cts.map((ct) =>
        addShares(decryptSlots(this.keys, ct, classes * groups), classes, groups, this.ctx.t)
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

/** The `bfv_wide` plan's client half. */
export const BFV_WIDE_CLIENT: ClientHalf<WideSpec> = {
  async open(spec: WideSpec, options?: OpenOptions) {
    const ctx = await WideSealContext.create(spec.params);
    return new WidePlanClient(spec, ctx, options);
  },
};
