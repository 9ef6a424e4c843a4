/**
 * The `bfv_wide` plan's server half: the rows' diagonals encoded once (`WideEvaluator`), then
 * one evaluation per query ciphertext under the client's Galois keys, yielding between queries
 * and abortable by the request's deadline.
 *
 * @module
 */
import type { Network } from "../../../model/network.ts";
import { WideSealContext } from "../../schemes/bfv/wide_context.ts";
import { wideForm } from "../../schemes/bfv/wide_form.ts";
import { wideRows } from "../../schemes/bfv/wide_rows.ts";
import { WideEvaluator } from "../../schemes/bfv/server/wide_eval.ts";
import type { EvaluationKeys } from "../../seal/server/evaluation_keys.ts";
import { ciphertextBytes } from "../../wire/payloads.ts";
import { QueryCiphertextPlanServer } from "../server/seal_plan_server.ts";
import type { EvaluateOptions, PlanOutput, ServerHalf } from "../server.ts";
import type { WideSpec } from "./plan.ts";

/** SEAL ciphertexts one evaluation holds besides its input and answer (babies, sums, scratch). */
function scratchCiphertexts(spec: WideSpec): number {
  return spec.extra.layout.baby + 6;
}

class WidePlanServer extends QueryCiphertextPlanServer<WideSpec, WideSealContext, WideEvaluator> {
  /** Inputs and answers of `queries` queries, plus one evaluation's scratch. */
  override heapBytes(queries: number): number {
    return (2 * queries + scratchCiphertexts(this.spec)) * ciphertextBytes(this.ctx.params, 3);
  }

  async evaluate(
    body: Uint8Array,
    keys: EvaluationKeys | null,
    options: EvaluateOptions,
  ): Promise<PlanOutput> {
    const galois = keys?.galois[0];
    if (!galois) throw new Error("the wide BFV plan needs the client's Galois keys");
    let sealMs = 0;
    const out = await this.evaluateQueries(body, options, (ct) => {
      const r = this.head.evaluate(ct, galois);
      sealMs += this.head.sealMs;
      return r;
    });
    return { ...out, stages: { ...out.stages, seal_ms: sealMs } };
  }
}

/** The `bfv_wide` plan's server half. */
export const BFV_WIDE_SERVER: ServerHalf<WideSpec> = {
  async prepare(spec: WideSpec, net: Network) {
    const form = wideForm(net);
    const t = BigInt(spec.params.plainModulus);
    const rows = form ? wideRows(form, t) : null;
    if (!form || !rows) {
      throw new RangeError(`plan ${spec.name}: expected a head that has a wide form modulo ${t}`);
    }
    const l = spec.extra.layout;
    const ctx = await WideSealContext.create(spec.params);
    try {
      const head = WideEvaluator.create(ctx, l, rows, {
        square: form.square,
        groups: form.groups,
        drop: spec.extra.responsePrimesDropped,
      });
      return new WidePlanServer(spec, ctx, head);
    } catch (e) {
      ctx.delete();
      throw e;
    }
  },
};
