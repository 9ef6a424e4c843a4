/**
 * The `ckks_network` plan's server half: the network's packed products
 * ({@linkcode PackedNetwork}), evaluated on one ciphertext per query under the client's Galois
 * and relinearisation keys, yielding between queries and abortable by the request's deadline.
 * It reports the milliseconds of the evaluations alone (`stages.evaluate_ms`) and the HOPs one
 * evaluation counted (every query costs the same).
 *
 * @module
 */
import type { Ciphertext } from "node-seal/dist/seal_throws.d.ts";
import type { Network } from "../../../model/network.ts";
import { type HopCounts, zeroHops } from "../../engine/hops.ts";
import { CkksContext } from "../../schemes/ckks/ckks_context.ts";
import type { EvaluationKeys } from "../../seal/server/evaluation_keys.ts";
import { QueryCiphertextPlanServer } from "../server/seal_plan_server.ts";
import { packResults, unpackQueries } from "../../wire/payloads.ts";
import type { EvaluateOptions, PlanOutput, ServerHalf } from "../server.ts";
import { PackedNetwork } from "./packed_network.ts";
import { type NetworkSpec, networkStages } from "./plan.ts";

/** The network plan's server half: its context and the network's products. */
class NetworkPlanServer extends QueryCiphertextPlanServer<NetworkSpec, CkksContext> {
  constructor(spec: NetworkSpec, ctx: CkksContext, private readonly network: PackedNetwork) {
    super(spec, ctx);
  }

  // long: unpack, the timed evaluations, pack, and freeing on every path read best together
  async evaluate(
    body: Uint8Array,
    keys: EvaluationKeys | null,
    { signal, maxBytes }: EvaluateOptions,
  ): Promise<PlanOutput> {
    const galois = keys?.galois[0];
    const relin = keys?.relin[0];
    if (!galois || !relin) {
      throw new Error("the network plan needs the client's Galois and relinearization keys");
    }
    const inputs = await unpackQueries(this.ctx, body, {
      maxQueries: this.spec.cost.maxQueries,
      maxBytes,
    });
    const results: Ciphertext[] = [];
    let hops: HopCounts = zeroHops();
    let evaluateMs = 0;
    try {
      for (const ct of inputs) {
        signal.throwIfAborted();
        const t = performance.now();
        const r = this.network.evaluate(ct, galois, relin);
        evaluateMs += performance.now() - t;
        results.push(r.result);
        hops = r.hops;
        await new Promise((r) => setTimeout(r, 0));
      }
      const t = performance.now();
      const out = await packResults(this.ctx, {
        ciphertexts: [results],
        constants: results.map(() => 0n),
      }, inputs.length);
      return {
        body: out,
        queries: inputs.length,
        stages: {
          evaluate_ms: evaluateMs,
          mask_ms: 0,
          flood_ms: 0,
          pack_ms: performance.now() - t,
        },
        hops,
      };
    } finally {
      inputs.forEach((c) => c.delete());
      results.forEach((c) => c.delete());
    }
  }

  override close(): void {
    this.network.delete();
    super.close();
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
