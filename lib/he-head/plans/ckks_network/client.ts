/**
 * The `ckks_network` plan's client half: each image encoded as `x_int * inputUnit`, repeated with
 * the input period across the slots, and encrypted in full (unseeded, uncompressed: the query
 * bytes the reproduction reports); the logits read back as `outputFactor` times the first slots
 * of each answer.
 *
 * @module
 */
import { CkksContext } from "../../schemes/ckks/ckks_context.ts";
import { encryptPackedImage } from "../../schemes/ckks/client/packed_client.ts";
import { sealCall } from "../../seal/runtime.ts";
import { CkksPlanClient } from "../client/ckks_plan_client.ts";
import { packInputs } from "../../wire/payloads.ts";
import type { ClientHalf, OpenOptions } from "../client.ts";
import type { NetworkSpec } from "./plan.ts";

/** The network plan's client half. */
class NetworkPlanClient extends CkksPlanClient<NetworkSpec> {
  encrypt(features: ArrayLike<number>, queries: number): Promise<Uint8Array<ArrayBuffer>> {
    const width = this.spec.shape.inputs;
    const { inputUnit, inputPeriod } = this.spec.extra;
    const none = this.ctx.seal.ComprModeType.none;
    const cts: Uint8Array[] = [];
    for (let q = 0; q < queries; q++) {
      const x = Array.prototype.slice.call(features, q * width, (q + 1) * width);
      const ct = encryptPackedImage(this.keys, x, inputUnit, inputPeriod);
      try {
        cts.push(new Uint8Array(sealCall("save query", () => ct.saveToArray(none))));
      } finally {
        ct.delete();
      }
    }
    return packInputs(this.ctx.params, [cts], queries);
  }
}

/** The `ckks_network` plan's client half. */
export const CKKS_NETWORK_CLIENT: ClientHalf<NetworkSpec> = {
  async open(spec: NetworkSpec, options?: OpenOptions) {
    return new NetworkPlanClient(spec, await CkksContext.create(spec.params), options);
  },
};
