/**
 * The `ckks_network` plan's server half: the network's packed products
 * ({@linkcode PackedNetwork}), evaluated on one ciphertext per query under the client's Galois
 * and relinearisation keys, yielding between queries and abortable by the request's deadline.
 * It reports the milliseconds of the evaluations alone (`stages.evaluate_ms`) and the HOPs one
 * evaluation counted (every query costs the same).
 *
 * @module
 */
import type { Network } from "../../../model/network.ts";
import { type HopCounts, zeroHops } from "../../engine/hops.ts";
import { CkksContext } from "../../schemes/ckks/ckks_context.ts";
import type { EvaluationKeys } from "../../seal/server/evaluation_keys.ts";
import { QueryCiphertextPlanServer } from "../server/seal_plan_server.ts";
import type { EvaluateOptions, PlanOutput, ServerHalf } from "../server.ts";
import { PackedNetwork } from "./packed_network.ts";
import { type NetworkSpec, networkStages } from "./plan.ts";

/** The network plan's server half: its context and the network's products. */
class NetworkPlanServer extends QueryCiphertextPlanServer<NetworkSpec, CkksContext, PackedNetwork> {
  async evaluate(
    body: Uint8Array,
    keys: EvaluationKeys | null,
    options: EvaluateOptions,
  ): Promise<PlanOutput> {
    const galois = keys?.galois[0];
    const relin = keys?.relin[0];
    if (!galois || !relin) {
      throw new Error("the network plan needs the client's Galois and relinearization keys");
    }
    let hops: HopCounts = zeroHops();
    const out = await this.evaluateQueries(body, options, (ct) => {
      const r = this.head.evaluate(ct, galois, relin);
      hops = r.hops;
      return r.result;
    });
    return { ...out, hops };
  }
}

/** The `ckks_network` plan's server half. */
export const CKKS_NETWORK_SERVER: ServerHalf<NetworkSpec> = {
  async prepare(spec: NetworkSpec, net: Network) {
    const compiled = networkStages(net, spec.options);
    if (!compiled || compiled.levels !== spec.extra.levels) {
      throw new RangeError(
        `plan ${spec.name}: expected a network of ${spec.extra.levels} levels in alternating linear / degree-2 activation layers, received ${
          compiled ? `${compiled.levels} levels` : "another shape"
        }`,
      );
    }
    const steps = spec.keys.galoisSteps.join(",");
    if (compiled.galoisSteps.join(",") !== steps) {
      throw new RangeError(
        `plan ${spec.name}: expected the rotation steps ${steps}, the network compiles to ${compiled.galoisSteps}`,
      );
    }
    const ctx = await CkksContext.create(spec.params);
    try {
      return new NetworkPlanServer(spec, ctx, new PackedNetwork(ctx, compiled));
    } catch (e) {
      ctx.delete();
      throw e;
    }
  },
};
