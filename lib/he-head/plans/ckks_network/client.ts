/**
 * The `ckks_network` plan's client half: each image encoded as `x_int * inputUnit`, repeated with
 * the input period across the slots, and encrypted in full (unseeded, uncompressed: the query
 * bytes the reproduction reports); the logits read back as `outputFactor` times the first slots
 * of each answer.
 *
 * @module
 */
import { CkksContext } from "../../schemes/ckks/ckks_context.ts";
import { decryptPacked, encryptPackedImage } from "../../schemes/ckks/client/packed_client.ts";
import { freeResult } from "../../seal/outputs.ts";
import { sealCall } from "../../seal/runtime.ts";
import { SealPlanClient } from "../client/seal_plan_client.ts";
import { packInputs, unpackResults } from "../../wire/payloads.ts";
import type { ClientHalf, Decrypted } from "../client.ts";
import type { NetworkSpec } from "./plan.ts";

/** The network plan's client half. */
class NetworkPlanClient extends SealPlanClient<NetworkSpec, CkksContext> {
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

/** The `ckks_network` plan's client half. */
export const CKKS_NETWORK_CLIENT: ClientHalf<NetworkSpec> = {
  async open(spec: NetworkSpec) {
    return new NetworkPlanClient(spec, await CkksContext.create(spec.params));
  },
};
