/**
 * The server entry of the HE head (server-side: never a secret key): every plan's server half by
 * kind, and {@linkcode prepareServedPlans} to build the plans the function offers for a head.
 *
 * @example
 * ```ts
 * import { compileModel, readModel } from "../model/mod.ts";
 * import { prepareServedPlans } from "./server.ts";
 * const net = compileModel(await readModel("models/head/uci_digits.json"));
 * const plans = await prepareServedPlans(net);
 * console.log(plans.map((p) => p.name));
 * plans.forEach((p) => p.close());
 * ```
 *
 * @module
 */
import type { Network } from "../model/network.ts";
import type { PlanSpec } from "./plans/plan.ts";
import {
  definition,
  type PlanKind,
  type PlanOffer,
  planOffered,
  SERVED,
  type SpecOf,
} from "./plans/registry.ts";
import type { PlanServer, ServerHalf } from "./plans/server.ts";
import { BFV_POLY_SERVER } from "./plans/bfv_poly/server.ts";
import { BFV_SIMD_SERVER } from "./plans/bfv_simd/server.ts";
import { CKKS_PACKED_SERVER } from "./plans/ckks_packed/server.ts";
import { CKKS_NETWORK_SERVER } from "./plans/ckks_network/server.ts";
import { BFV_PACKED_SERVER } from "./plans/bfv_packed/server.ts";
import { BFV_WIDE_SERVER } from "./plans/bfv_wide/server.ts";

export type {
  EvaluateOptions,
  PlanOutput,
  PlanServer,
  ServerHalf,
  StageTimes,
} from "./plans/server.ts";
export * from "./seal/server/evaluation_keys.ts";
export * from "./seal/server/load_keys.ts";
export * from "./seal/server/guard.ts";
export * from "./schemes/bfv/server/seal_backend.ts";
export * from "./schemes/bfv/server/evaluate_encrypted.ts";
export * from "./schemes/bfv/server/circuit_privacy.ts";
export * from "./plans/ckks_packed/server/packed_head.ts";

/** Every plan's server half, by kind. */
export const SERVER_HALVES: { readonly [K in PlanKind]: ServerHalf<SpecOf<K>> } = {
  bfv_poly: BFV_POLY_SERVER,
  bfv_simd: BFV_SIMD_SERVER,
  ckks_packed: CKKS_PACKED_SERVER,
  ckks_network: CKKS_NETWORK_SERVER,
  bfv_packed: BFV_PACKED_SERVER,
  bfv_wide: BFV_WIDE_SERVER,
};

/** Builds a plan instance's server half (contexts and plaintexts). Free with `close()`. */
export function preparePlanServer(spec: PlanSpec, net: Network): Promise<PlanServer> {
  definition(spec.kind);
  const half: ServerHalf = SERVER_HALVES[spec.kind as PlanKind];
  return half.prepare(spec, net);
}

/**
 * Chooses parameters and builds the server half of every plan of `offer` that fits the head
 * (default: what the function serves). All are freed if one fails.
 */
export async function prepareServedPlans(
  net: Network,
  offer: readonly PlanOffer[] = SERVED,
): Promise<PlanServer[]> {
  const specs = await planOffered(net, offer);
  const plans: PlanServer[] = [];
  try {
    for (const spec of specs) plans.push(await preparePlanServer(spec, net));
  } catch (e) {
    plans.forEach((p) => p.close());
    throw e;
  }
  return plans;
}
