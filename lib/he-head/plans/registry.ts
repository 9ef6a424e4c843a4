/**
 * The plan table (shared): every plan's definition keyed by its kind, what the function offers,
 * and the lookups from a description or a kind. The client and server halves are registered in
 * the same order by `lib/he-head/client.ts` and `lib/he-head/server.ts`, keyed by the same
 * {@linkcode PlanKind}, so `deno check` fails until a new kind has all three.
 *
 * @module
 */
import type { Network } from "../../model/network.ts";
import { BFV_POLY } from "./bfv_poly/plan.ts";
import { BFV_SIMD } from "./bfv_simd/plan.ts";
import { CKKS_PACKED } from "./ckks_packed/plan.ts";
import { CKKS_NETWORK } from "./ckks_network/plan.ts";
import { BFV_PACKED } from "./bfv_packed/plan.ts";
import { BFV_WIDE } from "./bfv_wide/plan.ts";
import type { PlanDescriptionJson } from "./describe.ts";
import type { HeadShape, PlanDefinition, PlanOptions, PlanSpec } from "./plan.ts";

/** Every plan's shared definition, by kind. */
export const PLANS = {
  bfv_poly: BFV_POLY,
  bfv_simd: BFV_SIMD,
  ckks_packed: CKKS_PACKED,
  ckks_network: CKKS_NETWORK,
  bfv_packed: BFV_PACKED,
  bfv_wide: BFV_WIDE,
} as const;

/** A registered plan kind. */
export type PlanKind = keyof typeof PLANS;

/** The spec type of a plan kind. */
export type SpecOf<K extends PlanKind> = NonNullable<
  Awaited<ReturnType<(typeof PLANS)[K]["plan"]>>
>;

/** One offered plan: a kind and its options. */
export interface PlanOffer {
  /** The plan's kind. */
  readonly kind: PlanKind;
  /** Its options (flooded variants). */
  readonly options?: PlanOptions;
}

/**
 * What the function offers, in GET /v1/model order: poly, simd, packed (when the head fits), then
 * the flooded variants of poly and simd (when some parameters leave room for flooding). Not
 * `ckks_network`: it is the MNIST reproduction's packed row, not offered by the function.
 */
export const SERVED: readonly PlanOffer[] = [
  { kind: "bfv_poly" },
  { kind: "bfv_simd" },
  { kind: "ckks_packed" },
  { kind: "bfv_packed" },
  { kind: "bfv_wide" },
  { kind: "bfv_poly", options: { flooded: true } },
  { kind: "bfv_simd", options: { flooded: true } },
];

/** The definition of a registered kind. */
export function definition(kind: string): PlanDefinition {
  const d = (PLANS as Record<string, PlanDefinition>)[kind];
  if (!d) {
    throw new RangeError(
      `expected a plan kind among ${Object.keys(PLANS).join(", ")}, received ${kind}`,
    );
  }
  return d;
}

/** The definitions of the kinds the function serves, in registry order. */
function servedDefinitions(): PlanDefinition[] {
  const served = new Set<string>(SERVED.map((o) => o.kind));
  return Object.values(PLANS as Record<string, PlanDefinition>).filter((p) => served.has(p.kind));
}

/**
 * The definition a description names (by its encoding, among the served kinds: a description
 * comes from GET /v1/model): a lookup, not a switch.
 */
export function definitionOf(d: Pick<PlanDescriptionJson, "encoding" | "name">): PlanDefinition {
  const served = servedDefinitions();
  const found = served.find((p) => p.encoding === d.encoding);
  if (!found) {
    throw new TypeError(
      `plan ${d.name}: expected an encoding among ${
        served.map((p) => p.encoding).join(", ")
      }, received ${d.encoding}`,
    );
  }
  return found;
}

/** The spec a description names, as a client builds it from GET /v1/model alone. */
export function specOf(d: PlanDescriptionJson, shape: HeadShape): PlanSpec {
  return definitionOf(d).fromDescription(d, shape);
}

/** Plans `offer` for a head, skipping those that do not fit it. */
export async function planOffered(
  net: Network,
  offer: readonly PlanOffer[] = SERVED,
): Promise<PlanSpec[]> {
  const specs: PlanSpec[] = [];
  for (const o of offer) {
    const spec = await definition(o.kind).plan(net, o.options);
    if (spec) specs.push(spec);
  }
  return specs;
}

/** The entries of GET /v1/model: each variant nested under the plan it is a variant of. */
export function describePlans(specs: readonly PlanSpec[]): PlanDescriptionJson[] {
  return specs.filter((s) => s.variantOf === null).map((s) => {
    const variant = specs.find((v) => v.kind === s.kind && v.variantOf === s.name);
    return {
      ...definition(s.kind).describe(s),
      ...(variant ? { flooded: definition(variant.kind).describe(variant) } : {}),
    };
  });
}
