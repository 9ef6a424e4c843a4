/**
 * The `bfv_packed` plan's server half: the head's quadratic form as a BFV slot product
 * (`BfvSlotMatVec`, group plaintexts in NTT form, prepared once), evaluated on one ciphertext per
 * query under the client's Galois key, each answer masked into additive shares of the logits (a
 * fresh zero-sum mask per query) and switched down by the plan's dropped primes;
 * yielding between queries and abortable by the request's deadline.
 *
 * @module
 */
import type { Network } from "../../../model/network.ts";
import { BfvPackedContext } from "../../schemes/bfv/packed_context.ts";
import { BfvSlotMatVec } from "../../schemes/bfv/server/slot_matvec.ts";
import { quadraticForm } from "../../schemes/ckks/quadratic_form.ts";
import type { EvaluationKeys } from "../../seal/server/evaluation_keys.ts";
import { sealCall } from "../../seal/runtime.ts";
import { ciphertextBytes } from "../../wire/payloads.ts";
import { QueryCiphertextPlanServer } from "../server/seal_plan_server.ts";
import type { EvaluateOptions, PlanOutput, ServerHalf } from "../server.ts";
import type { BfvPackedSpec } from "./plan.ts";

/** The packed BFV plan's server half: its context and the prepared product. */
class BfvPackedPlanServer
  extends QueryCiphertextPlanServer<BfvPackedSpec, BfvPackedContext, BfvSlotMatVec> {
  /** Inputs and answers of `queries` queries, plus the product's groups and scratch. */
  override heapBytes(queries: number): number {
    const scratch = 2 * this.spec.extra.layout.groups + 6;
    return (2 * queries + scratch) * ciphertextBytes(this.ctx.params, 3);
  }

  async evaluate(
    body: Uint8Array,
    keys: EvaluationKeys | null,
    options: EvaluateOptions,
  ): Promise<PlanOutput> {
    const galois = keys?.galois[0] ?? null;
    if (!galois && this.spec.keys.galoisSteps.length > 0) {
      throw new Error("the packed BFV plan needs the client's Galois keys");
    }
    const { body: out, queries } = await this.evaluateQueries(
      body,
      options,
      (ct) => this.head.apply(ct, galois),
      (r) => {
        this.head.maskShares(r);
        for (let d = 0; d < this.spec.extra.responsePrimesDropped; d++) {
          sealCall("modulus switch", () => this.ctx.evaluator.cipherModSwitchToNextInplace(r));
        }
      },
    );
    return { body: out, queries };
  }
}

/** The `bfv_packed` plan's server half. */
export const BFV_PACKED_SERVER: ServerHalf<BfvPackedSpec> = {
  async prepare(spec: BfvPackedSpec, net: Network) {
    const form = quadraticForm(net);
    if (!form) {
      throw new RangeError(`plan ${spec.name}: expected a head that is a quadratic form`);
    }
    const rows = form.coefficients.map((r, k) => [...r, form.constants[k]]);
    const ctx = await BfvPackedContext.create(spec.params);
    try {
      const product = BfvSlotMatVec.create(ctx, rows, spec.extra.layout);
      return new BfvPackedPlanServer(spec, ctx, product);
    } catch (e) {
      ctx.delete();
      throw e;
    }
  },
};
