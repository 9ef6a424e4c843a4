/**
 * The encrypted-evaluation plans the function offers for its model: the paper's poly encoding
 * (one query, one ciphertext per feature) and the simd encoding (a batch of queries in slots),
 * each with the parameters chosen for it, its HOPs and its noise and response-size decisions.
 *
 * @module
 */
import type { LayerHops } from "../lib/he-head/engine/hops.ts";
import type { Network } from "../lib/he-head/model/network.ts";
import {
  type Encoding,
  type HeParams,
  paramsHash,
  presetName,
} from "../lib/he-head/params/he_params.ts";
import { selectParameters } from "../lib/he-head/params/select.ts";
import { HeContext } from "../lib/he-head/seal/context.ts";
import { budgetAfterSwitch, responsePrimesToDrop } from "../lib/he-head/seal/modulus_switch.ts";

/** An offered plan and the server-side objects it needs. */
export interface Plan {
  name: string;
  encoding: Encoding;
  params: HeParams;
  /** Hex SHA-256 of the parameters: envelopes name their plan by it. */
  hash: string;
  ctx: HeContext;
  /** Queries per request. */
  maxQueries: number;
  /** Whether the client must register relinearisation keys. */
  needsRelinKeys: boolean;
  /** HOPs per layer and plaintext modulus. */
  hops: LayerHops[];
  /** Expected evaluation time (ms) from the cost table. */
  estimatedMs: number;
  /** Primes dropped from results before sending, and the budget estimated after that. */
  responseDrop: number;
  responseBudgetBits: number;
}

function hex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

/** Chooses parameters and builds SEAL contexts for each encoding. */
export async function buildPlans(
  net: Network,
  encodings: Encoding[] = ["poly", "simd"],
): Promise<Plan[]> {
  const plans: Plan[] = [];
  for (const encoding of encodings) {
    const choice = selectParameters(net, { encoding });
    const ctx = await HeContext.create(choice.params);
    const drop = responsePrimesToDrop(choice.params, choice.noiseBudgetBits);
    plans.push({
      name: presetName(choice.params),
      encoding,
      params: choice.params,
      hash: hex(await paramsHash(choice.params)),
      ctx,
      maxQueries: encoding === "poly" ? 1 : choice.params.polyModulusDegree,
      needsRelinKeys: choice.hops.some((l) => l.hops.ct_ct_mul > 0),
      hops: choice.hops,
      estimatedMs: choice.estimatedMs,
      responseDrop: drop,
      responseBudgetBits: budgetAfterSwitch(choice.params, choice.noiseBudgetBits, drop),
    });
  }
  return plans;
}
