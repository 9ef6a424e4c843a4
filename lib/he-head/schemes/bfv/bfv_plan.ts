/**
 * The encrypted-evaluation plans the function offers for its model:
 * - `poly`, the paper's encoding: one query, one BFV ciphertext per feature, power-of-two
 *   weights as monomials (exact); every answer masked with a random multiple of `X - 2`;
 * - `simd`: a batch of queries in BFV slots, one ciphertext per feature (exact); slots beyond
 *   the request's queries masked with uniform values;
 * - `packed`: one CKKS ciphertext per query, the head as a quadratic form evaluated with
 *   plaintext diagonals and rotations (approximate, with a tested error bound); offered when the
 *   head has one hidden layer of degree <= 2 and its inputs fit the slots. Not circuit-private.
 *
 * Each BFV plan has a flooded variant (`..._flooded`, its own parameters and hash) whose answers
 * are also re-randomised with the client's public key and noise-flooded (statistical distance
 * `2^-41`): circuit-private. It is offered when some parameters leave the budget for it.
 *
 * @module
 */
import { type HopCounts, type LayerHops, totalHops } from "../../engine/hops.ts";
import type { Network } from "../../../model/network.ts";
import {
  type Encoding,
  type HeParams,
  paramsHash,
  presetName,
} from "../../params/he_params.ts";
import { CKKS_OP_COSTS, expectedMs } from "../../engine/op_costs.ts";
import { type FloodingAnalysis, floodingAnalysis } from "../../params/flooding.ts";
import { FLOODING_BITS } from "../../params/he_params.ts";
import { ParameterSelectionError, selectParameters } from "../../params/select.ts";
import { CkksContext } from "../../packed/ckks_context.ts";
import { CKKS_N4096, type CkksParams, ckksPresetName } from "../../packed/ckks_params.ts";
import { PackedHead } from "../../packed/packed_head.ts";
import { packedLayout } from "../../packed/packed_layout.ts";
import { quadraticForm } from "../../packed/quadratic_form.ts";
import { HeContext } from "../../seal/context.ts";
import { budgetAfterSwitch, responsePrimesToDrop } from "../../seal/modulus_switch.ts";
import type { EvaluationKeys } from "../../seal/evaluation_keys.ts";
import { galoisElement } from "../../seal/galois.ts";
import { ApiError } from "../../../../functions/errors.ts";

interface PlanBase {
  name: string;
  /** Hex SHA-256 of the parameters: envelopes name their plan by it. */
  hash: string;
  /** Queries per request. */
  maxQueries: number;
  /** Evaluation keys the client must register. */
  needsRelinKeys: boolean;
  galoisSteps: number[];
  /** Whether the client must register its public key (flooded plans). */
  needsPublicKey: boolean;
  /** Whether answers reveal the logits and nothing else (up to statistical distance 2^-40). */
  circuitPrivate: boolean;
  /** One line: what the answers hide and what they do not. */
  circuitPrivacy: string;
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
  /**
   * Whether answers are masked (poly: a random multiple of `X - 2`, which the parameters'
   * decoding requires; simd: uniform values beyond the queries). Every served plan is.
   */
  masked: boolean;
  /** Flooded plans: the flooding noise (computed with the context's real modulus), else null. */
  flooding: FloodingAnalysis | null;
  /** Flooded plans: the name of the plan they are the flooded variant of, else null. */
  floodedOf: string | null;
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

const MASKED = {
  poly: "decrypted coefficients are uniform given the logit (a random multiple of X - 2 is added)",
  simd: "slots beyond the request's queries hold uniform values",
};

/** What a BFV plan's answers hide, in one line. */
function bfvPrivacyNote(encoding: Encoding, flooded: boolean): string {
  return flooded
    ? `Circuit-private for well-formed queries: ${
      MASKED[encoding]
    }; the noise is re-randomised with the client's public key and flooded (statistical distance <= 2^-41).`
    : `Not circuit-private: ${
      MASKED[encoding]
    }, but the noise is not flooded and may reveal information about the weights (use the flooded variant).`;
}

/** Options of {@linkcode bfvPlan}. */
export interface BfvPlanOptions {
  /** Mask the answers (default true; false only to measure what masking costs). */
  masked?: boolean;
  /** Make the flooded variant of the plan of this name. */
  floodedOf?: string | null;
}

/**
 * Chooses parameters for a BFV plan and builds its contexts (free with {@linkcode freePlan}).
 *
 * @throws {ParameterSelectionError} when no parameters fit (or leave room for flooding).
 */
export async function bfvPlan(
  net: Network,
  encoding: Encoding,
  options: BfvPlanOptions = {},
): Promise<BfvPlan> {
  const masked = options.masked ?? true;
  const floodedOf = options.floodedOf ?? null;
  if (floodedOf && !masked) throw new RangeError("a flooded plan is always masked");
  const choice = selectParameters(net, {
    encoding,
    maskedOutputs: masked && encoding === "poly",
    ...(floodedOf ? { flooding: { statisticalBits: FLOODING_BITS } } : {}),
  });
  const ctx = await HeContext.create(choice.params);
  try {
    let flooding: FloodingAnalysis | null = null;
    let budget = choice.noiseBudgetBits;
    if (floodedOf) {
      // Again with SEAL's own bit count of q (the selection assumed the sum of the prime sizes).
      const f = choice.flooding!;
      flooding = floodingAnalysis({
        ringDegree: f.ringDegree,
        dataModulusBits: ctx.dataModulus.bits,
        plainModulusBits: f.plainModulusBits,
        outputBudgetBits: f.outputBudgetBits,
        statisticalBits: f.statisticalBits,
      });
      if (flooding.budgetAfterBits < 1) {
        throw new RangeError(
          `${ctx.name}: flooding leaves ${flooding.budgetAfterBits} bits of budget, expected >= 1`,
        );
      }
      budget = flooding.budgetAfterBits;
    }
    const drop = responsePrimesToDrop(choice.params, budget);
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
      needsPublicKey: flooding !== null,
      circuitPrivate: flooding !== null,
      circuitPrivacy: masked
        ? bfvPrivacyNote(encoding, flooding !== null)
        : "Not circuit-private: answers are neither masked nor flooded.",
      hops: choice.hops,
      estimatedMs: choice.estimatedMs,
      responseDrop: drop,
      responseBudgetBits: budgetAfterSwitch(choice.params, budget, drop),
      masked,
      flooding,
      floodedOf,
    };
  } catch (e) {
    ctx.delete();
    throw e;
  }
}

/** The flooded variant of a BFV plan, or null when no parameters leave room for flooding. */
async function floodedPlan(net: Network, base: BfvPlan): Promise<BfvPlan | null> {
  try {
    return await bfvPlan(net, base.encoding, { floodedOf: base.name });
  } catch (e) {
    if (e instanceof ParameterSelectionError) return null;
    throw e;
  }
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
    needsPublicKey: false,
    circuitPrivate: false,
    circuitPrivacy:
      "Not circuit-private: each decrypted logit carries a CKKS approximation error that depends on the weights (n=4096 leaves no room to flood it); spare slots hold copies of the logits or zeros.",
    hops: [{ layer: last.index, name: "quadratic form (all layers)", type: "packed", hops }],
    estimatedMs: expectedMs(
      totalHops([{ layer: 0, name: "", type: "", hops }]),
      CKKS_OP_COSTS[params.polyModulusDegree],
    ),
  };
}

/**
 * Chooses parameters and builds the SEAL contexts of every plan the model supports: poly, simd,
 * packed (when the head fits), then the flooded variants of poly and simd (when they fit).
 */
export async function buildPlans(net: Network): Promise<Plan[]> {
  const plans: Plan[] = [];
  try {
    const bfv = [await bfvPlan(net, "poly"), await bfvPlan(net, "simd")];
    plans.push(...bfv);
    const packed = await packedPlan(net, CKKS_N4096);
    if (packed) plans.push(packed);
    for (const base of bfv) {
      const flooded = await floodedPlan(net, base);
      if (flooded) plans.push(flooded);
    }
  } catch (e) {
    plans.forEach(freePlan);
    throw e;
  }
  return plans;
}

/**
 * Checks that evaluation keys hold what the plan needs: relinearisation keys for every modulus,
 * a public key for every modulus (flooded plans), and a Galois key for every rotation step.
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
  const noPk = keys.publicKeys.findIndex((k) => k === null);
  if (plan.needsPublicKey && noPk >= 0) {
    throw new ApiError(
      422,
      "missing-keys",
      `plan ${plan.name} floods its answers: expected the client's public key (envelope entry "public-key") for each of the ${keys.publicKeys.length} plaintext moduli, received none for modulus ${noPk}`,
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
