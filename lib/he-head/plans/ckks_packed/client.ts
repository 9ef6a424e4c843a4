/**
 * The `ckks_packed` plan's client half: each query's packed features encoded into the slot
 * layout and encrypted (seeded), and the logits read back as `outputFactor` times the first
 * slots of each answer.
 *
 * @module
 */
import { CkksContext } from "../../schemes/ckks/ckks_context.ts";
import { encryptPackedSerialized } from "../../schemes/ckks/client/packed_client.ts";
import { CkksPlanClient } from "../client/ckks_plan_client.ts";
import { packInputs } from "../../wire/payloads.ts";
import type { ClientHalf, OpenOptions } from "../client.ts";
import type { PackedSpec } from "./plan.ts";

/** The packed plan's client half. */
class PackedPlanClient extends CkksPlanClient<PackedSpec> {
  encrypt(features: ArrayLike<number>, queries: number): Promise<Uint8Array<ArrayBuffer>> {
    const width = this.spec.shape.inputs;
    const cts = [];
    for (let q = 0; q < queries; q++) {
      const x = Array.prototype.slice.call(features, q * width, (q + 1) * width);
      cts.push(encryptPackedSerialized(this.keys, x, this.spec.extra.layout));
    }
    return packInputs(this.ctx.params, [cts], queries);
  }
}

/** The `ckks_packed` plan's client half. */
export const CKKS_PACKED_CLIENT: ClientHalf<PackedSpec> = {
  async open(spec: PackedSpec, options?: OpenOptions) {
    return new PackedPlanClient(spec, await CkksContext.create(spec.params), options);
  },
};
