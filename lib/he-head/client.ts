/**
 * The client entry of the HE head (client-side: it holds the secret key): every plan's client
 * half by kind, and {@linkcode openPlanClient} to open one from a spec (built from
 * `GET /v1/model` with `specOf`). The server's module graph never reaches this module.
 *
 * @example
 * ```ts
 * import { openPlanClient, specOf } from "./client.ts";
 * import type { PlanDescriptionJson } from "./mod.ts";
 * declare const d: PlanDescriptionJson;
 * using plan = await openPlanClient(
 *   specOf(d, { inputs: 64, outputs: 10, inputMin: 0, inputMax: 15, outputScaleLog2: 8 }),
 * );
 * const request = await plan.encrypt(new Array(64).fill(0), 1);
 * ```
 *
 * @module
 */
import type { ClientHalf, OpenOptions, PlanClient } from "./plans/client.ts";
import type { PlanSpec } from "./plans/plan.ts";
import { definition, type PlanKind, type SpecOf } from "./plans/registry.ts";
import { BFV_POLY_CLIENT } from "./plans/bfv_poly/client.ts";
import { BFV_SIMD_CLIENT } from "./plans/bfv_simd/client.ts";
import { CKKS_PACKED_CLIENT } from "./plans/ckks_packed/client.ts";
import { CKKS_NETWORK_CLIENT } from "./plans/ckks_network/client.ts";
import { BFV_PACKED_CLIENT } from "./plans/bfv_packed/client.ts";
import { BFV_WIDE_CLIENT } from "./plans/bfv_wide/client.ts";

export type {
  ClientHalf,
  Decrypted,
  DecryptOptions,
  OpenOptions,
  PlanClient,
} from "./plans/client.ts";
export { specOf } from "./plans/registry.ts";
export * from "./seal/client/keys.ts";
export * from "./schemes/bfv/client/encrypt.ts";
export * from "./schemes/bfv/client/decrypt.ts";
export * from "./schemes/ckks/client/packed_client.ts";

/** Every plan's client half, by kind. */
export const CLIENT_HALVES: { readonly [K in PlanKind]: ClientHalf<SpecOf<K>> } = {
  bfv_poly: BFV_POLY_CLIENT,
  bfv_simd: BFV_SIMD_CLIENT,
  ckks_packed: CKKS_PACKED_CLIENT,
  ckks_network: CKKS_NETWORK_CLIENT,
  bfv_packed: BFV_PACKED_CLIENT,
  bfv_wide: BFV_WIDE_CLIENT,
};

/**
 * Generates keys for a plan instance (around `options.secretKeys` when given): its client half.
 * Free with `using` or `close()`.
 */
export function openPlanClient(spec: PlanSpec, options?: OpenOptions): Promise<PlanClient> {
  definition(spec.kind);
  const half: ClientHalf = CLIENT_HALVES[spec.kind as PlanKind];
  return half.open(spec, options);
}
