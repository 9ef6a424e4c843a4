/**
 * The `ckks_packed` plan's server half: the head's quadratic form as CKKS plaintext diagonals
 * (`PackedHead`), evaluated on one ciphertext per query with rotations under the client's Galois
 * keys, yielding between queries and abortable by the request's deadline.
 *
 * @module
 */
import type { Network } from "../../../model/network.ts";
import { CkksContext } from "../../schemes/ckks/ckks_context.ts";
import { PackedHead } from "./server/packed_head.ts";
import { quadraticForm } from "../../schemes/ckks/quadratic_form.ts";
import type { EvaluationKeys } from "../../seal/server/evaluation_keys.ts";
import { QueryCiphertextPlanServer } from "../server/seal_plan_server.ts";
import type { EvaluateOptions, PlanOutput, ServerHalf } from "../server.ts";
import type { PackedSpec } from "./plan.ts";

/** The packed plan's server half: its context and the encoded diagonals. */
class PackedPlanServer extends QueryCiphertextPlanServer<PackedSpec, CkksContext, PackedHead> {
  async evaluate(
    body: Uint8Array,
    keys: EvaluationKeys | null,
    options: EvaluateOptions,
  ): Promise<PlanOutput> {
    const galois = keys?.galois[0];
    if (!galois) throw new Error("the packed plan needs the client's Galois keys");
    const { body: out, queries } = await this.evaluateQueries(
      body,
      options,
      (ct) => this.head.evaluate(ct, galois).result,
    );
    return { body: out, queries };
  }
}

/** The `ckks_packed` plan's server half. */
export const CKKS_PACKED_SERVER: ServerHalf<PackedSpec> = {
  async prepare(spec: PackedSpec, net: Network) {
    const form = quadraticForm(net);
    if (!form) {
      throw new RangeError(`plan ${spec.name}: expected a head that is a quadratic form`);
    }
    const ctx = await CkksContext.create(spec.params);
    try {
      return new PackedPlanServer(spec, ctx, PackedHead.create(ctx, form, spec.extra.layout));
    } catch (e) {
      ctx.delete();
      throw e;
    }
  },
};
