/**
 * Plans as one interface: each plan's shared definition (parameters, cost, description), the
 * registry of plans, the planner and the plan-description JSON. The client and server halves are
 * reached through `lib/he-head/client.ts` and `lib/he-head/server.ts`.
 *
 * @example
 * ```ts
 * import { compileModel, readModel } from "../../model/mod.ts";
 * import { choosePlan, describePlans, planOffered } from "./mod.ts";
 * const net = compileModel(await readModel("models/head/uci_digits.json"));
 * const specs = await planOffered(net);
 * console.log(describePlans(specs).map((d) => d.name), choosePlan(specs, 64).plan);
 * ```
 *
 * @module
 */
export * from "./plan.ts";
export * from "./describe.ts";
export * from "./errors.ts";
export * from "./planner.ts";
export * from "./registry.ts";
export type { BfvExtra, BfvSpec, FloodingSummary } from "./bfv.ts";
export type { PackedExtra, PackedSpec } from "./ckks_packed/plan.ts";
export type { NetworkExtra, NetworkSpec } from "./ckks_network/plan.ts";
