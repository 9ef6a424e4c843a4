/**
 * The `bfv_packed` plan's client half: each query's monomials `[x_i x_j, x_i, 1]` arranged in the
 * interleaved slot layout, encrypted (seeded); each logit read back exactly as the sum of its
 * class's slots (additive shares) in the answer.
 *
 * @module
 */
import { BfvPackedContext } from "../../schemes/bfv/packed_context.ts";
import { arrangeSlots, readOutputs } from "../../schemes/bfv/slot_layout.ts";
import { packFeatures } from "../../schemes/ckks/quadratic_form.ts";
import type { ClientHalf, OpenOptions } from "../client.ts";
import { BfvSlotPlanClient } from "../client/bfv_slot_plan_client.ts";
import type { BfvPackedSpec } from "./plan.ts";

/** The packed BFV plan's client half. */
class BfvPackedPlanClient extends BfvSlotPlanClient<BfvPackedSpec, BfvPackedContext> {
  protected slotsOf(x: number[]): BigInt64Array {
    return arrangeSlots([...packFeatures(x), 1], this.spec.extra.layout, this.ctx.t);
  }

  protected get answerSlots(): number {
    return this.spec.extra.layout.slots;
  }

  protected readLogits(slots: bigint[]): bigint[] {
    return readOutputs(slots, this.spec.extra.layout, this.ctx.t);
  }
}

/** The `bfv_packed` plan's client half. */
export const BFV_PACKED_CLIENT: ClientHalf<BfvPackedSpec> = {
  async open(spec: BfvPackedSpec, options?: OpenOptions) {
    return new BfvPackedPlanClient(spec, await BfvPackedContext.create(spec.params), options);
  },
};
