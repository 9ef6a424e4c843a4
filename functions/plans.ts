/**
 * The encrypted-evaluation plans the function offers for its model:
 * - `poly`, the paper's encoding: one query, one BFV ciphertext per feature, power-of-two
 *   weights as monomials (exact);
 * - `simd`: a batch of queries in BFV slots, one ciphertext per feature (exact);
 * - `packed`: one CKKS ciphertext per query, the head as a quadratic form evaluated with
 *   plaintext diagonals and rotations (approximate, with a tested error bound); offered when the
 *   head has one hidden layer of degree <= 2 and its inputs fit the slots.
 *
 * @module
 */
import { type HopCounts, type LayerHops, totalHops } from "../lib/he-head/engine/hops.ts";
import type { Network } from "../lib/he-head/model/network.ts";
import {
  type Encoding,
  type HeParams,
  paramsHash,
  presetName,
} from "../lib/he-head/params/he_params.ts";
import { CKKS_OP_COSTS, expectedMs } from "../lib/he-head/params/op_costs.ts";
import { selectParameters } from "../lib/he-head/params/select.ts";
import { CkksContext } from "../lib/he-head/packed/ckks_context.ts";
import { CKKS_N4096, type CkksParams, ckksPresetName } from "../lib/he-head/packed/ckks_params.ts";
import { PackedHead } from "../lib/he-head/packed/packed_head.ts";
import { packedLayout } from "../lib/he-head/packed/packed_layout.ts";
import { quadraticForm } from "../lib/he-head/packed/quadratic_form.ts";
import { HeContext } from "../lib/he-head/seal/context.ts";
import { budgetAfterSwitch, responsePrimesToDrop } from "../lib/he-head/seal/modulus_switch.ts";
import type { EvaluationKeys } from "../lib/he-head/seal/evaluation_keys.ts";
import { galoisElement } from "../lib/he-head/seal/galois.ts";
import { ApiError } from "./errors.ts";

interface PlanBase {
  name: string;
  /** Hex SHA-256 of the parameters: envelopes name their plan by it. */
  hash: string;
  /** Queries per request. */
  maxQueries: number;
  /** Evaluation keys the client must register. */
  needsRelinKeys: boolean;
  galoisSteps: number[];
  /** HOPs per layer (per plaintext modulus for BFV; the whole form for packed). */
  hops: LayerHops[];
  /** Expected milliseconds of one evaluation under the cost tables. */
  estimatedMs: number;
}

/** An exact BFV plan (poly or simd). */
export interface BfvPlan extends PlanBase {
  kind: "bfv";
  encoding: Encoding;
  params: HeParams;
  ctx: HeContext;
  /** Primes dropped from results before sending. */
  responseDrop: number;
  responseBudgetBits: number;
}

/** The packed CKKS plan. */
export interface PackedPlan extends PlanBase {
  kind: "packed";
  encoding: "packed";
  params: CkksParams;
  ctx: CkksContext;
  head: PackedHead;
}

/** Any plan. */
export type Plan = BfvPlan | PackedPlan;

/** Queries a packed request may carry (each is one ciphertext and one evaluation). */
export const PACKED_MAX_QUERIES = 16;

function hex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

async function bfvPlan(net: Network, encoding: Encoding): Promise<BfvPlan> {
  const choice = selectParameters(net, { encoding });
  const ctx = await HeContext.create(choice.params);
  const drop = responsePrimesToDrop(choice.params, choice.noiseBudgetBits);
  return {
    kind: "bfv",
    name: presetName(choice.params),
    encoding,
    params: choice.params,
    hash: hex(await paramsHash(choice.params)),
    ctx,
    maxQueries: encoding === "poly" ? 1 : choice.params.polyModulusDegree,
    needsRelinKeys: choice.hops.some((l) => l.hops.ct_ct_mul > 0),
    galoisSteps: [],
    hops: choice.hops,
    estimatedMs: choice.estimatedMs,
    responseDrop: drop,
    responseBudgetBits: budgetAfterSwitch(choice.params, choice.noiseBudgetBits, drop),
  };
}

async function packedPlan(net: Network, params: CkksParams): Promise<PackedPlan | null> {
  const form = quadraticForm(net);
  if (!form) return null;
  const slots = params.polyModulusDegree / 2;
  let layout;
  try {
    layout = packedLayout(form.inputs, form.outputs, slots, net.inputMin, net.inputMax);
  } catch {
    return null;
  }
  const ctx = await CkksContext.create(params);
  const head = PackedHead.create(ctx, form, layout);
  const hops: HopCounts = head.hops();
  const last = net.layers[net.layers.length - 1];
  return {
    kind: "packed",
    name: ckksPresetName(params) + "_packed",
    encoding: "packed",
    params,
    hash: hex(await paramsHash(params)),
    ctx,
    head,
    maxQueries: PACKED_MAX_QUERIES,
    needsRelinKeys: false,
    galoisSteps: layout.galoisSteps,
    hops: [{ layer: last.index, name: "quadratic form (all layers)", type: "packed", hops }],
    estimatedMs: expectedMs(
      totalHops([{ layer: 0, name: "", type: "", hops }]),
      CKKS_OP_COSTS[params.polyModulusDegree],
    ),
  };
}

/** Chooses parameters and builds the SEAL contexts of every plan the model supports. */
export async function buildPlans(net: Network): Promise<Plan[]> {
  const plans: Plan[] = [await bfvPlan(net, "poly"), await bfvPlan(net, "simd")];
  const packed = await packedPlan(net, CKKS_N4096);
  if (packed) plans.push(packed);
  return plans;
}

/**
 * Checks that evaluation keys hold what the plan needs: relinearisation keys for every modulus,
 * and a Galois key for every rotation step.
 *
 * @throws {ApiError} 422 naming what is missing.
 */
export function requireKeys(plan: Plan, keys: EvaluationKeys): void {
  if (plan.needsRelinKeys && keys.relin.some((k) => k === null)) {
    throw new ApiError(
      422,
      "missing-keys",
      `plan ${plan.name} needs relinearization keys for every plaintext modulus`,
    );
  }
  for (const step of plan.galoisSteps) {
    const elt = galoisElement(step, plan.params.polyModulusDegree);
    if (keys.galois.some((g) => !g || !g.hasKey(elt))) {
      throw new ApiError(
        422,
        "missing-keys",
        `plan ${plan.name} needs a Galois key for rotation step ${step}`,
      );
    }
  }
}

/** Frees a plan's SEAL objects. */
export function freePlan(p: Plan): void {
  if (p.kind === "packed") p.head.delete();
  p.ctx.delete();
}
