/**
 * The `bfv_wide` plan's client half: each query's features arranged in the wide layout's
 * pre-rotated blocks and encrypted (seeded), and each answer decrypted and read as shares: the
 * logit of class `c` is the sum of slots `c G .. c G + G - 1` modulo t, centred.
 *
 * @module
 */
import { querySlots } from "../../schemes/bfv/wide_layout.ts";
import { WideSealContext } from "../../schemes/bfv/wide_context.ts";
import type { ClientHalf, OpenOptions } from "../client.ts";
import { BfvSlotPlanClient } from "../client/bfv_slot_plan_client.ts";
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

/** The wide BFV plan's client half. */
class WidePlanClient extends BfvSlotPlanClient<WideSpec, WideSealContext> {
  protected slotsOf(x: number[]): BigInt64Array {
    return BigInt64Array.from(querySlots(this.spec.extra.layout, x), (v) => BigInt(v));
  }

  protected get answerSlots(): number {
    return this.spec.shape.outputs * this.spec.extra.groups;
  }

  protected readLogits(slots: bigint[]): bigint[] {
    return addShares(slots, this.spec.shape.outputs, this.spec.extra.groups, this.ctx.t);
  }
}

/** The `bfv_wide` plan's client half. */
export const BFV_WIDE_CLIENT: ClientHalf<WideSpec> = {
  async open(spec: WideSpec, options?: OpenOptions) {
    const ctx = await WideSealContext.create(spec.params);
    return new WidePlanClient(spec, ctx, options);
  },
};
