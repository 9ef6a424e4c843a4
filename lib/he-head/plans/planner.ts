/**
 * The planner: for a number of queries, the plan with the lowest expected time among those the
 * client can use (its keys registered, or needing none), from each plan's cost (expected time per
 * evaluation: HOPs times measured per-operation costs), except that an exact plan is preferred
 * whenever it is within {@linkcode EXACT_PREFERENCE} of the fastest approximate one. The server
 * (`GET /v1/plan`) and the client (`HeadClient.choosePlan`) both read the cost from the plan's
 * spec.
 *
 * @module
 */
import type { PlanCost } from "./plan.ts";

/** What the planner needs to know of a plan: its name and its cost (a `PlanSpec` is one). */
export interface PlanCandidate {
  /** The plan's name. */
  readonly name: string;
  /** The plan's cost. */
  readonly cost: PlanCost;
}

/** An exact plan is chosen over a faster approximate one when within this factor of it. */
export const EXACT_PREFERENCE = 1.5;

/** The planner's answer. */
export interface PlanChoice {
  /** The chosen plan's name. */
  plan: string;
  /** Expected milliseconds for all the queries. */
  estimated_ms: number;
  /** Whether the chosen plan's answers equal the integer head bit for bit. */
  exact: boolean;
  /**
   * Every plan considered, with its expected time (Infinity when unusable), whether it is exact,
   * and why not.
   */
  candidates: { plan: string; estimated_ms: number; exact: boolean; reason?: string }[];
}

/** Expected milliseconds of `queries` queries under a plan's cost. */
export function expectedPlanMs(cost: PlanCost, queries: number): number {
  return Math.ceil(queries / cost.queriesPerEvaluation) * cost.estimatedMs;
}

/**
 * Picks the fastest usable plan for `queries` queries, or the fastest usable exact plan when it
 * is within {@linkcode EXACT_PREFERENCE} of a faster approximate one. `registered` lists plans
 * whose keys the client has registered (undefined: assume every plan is usable).
 *
 * @throws {RangeError} when no plan is usable.
 */
export function choosePlan(
  plans: readonly PlanCandidate[],
  queries: number,
  registered?: readonly string[],
): PlanChoice {
  if (!Number.isInteger(queries) || queries < 1) {
    throw new RangeError(`expected queries >= 1, received ${queries}`);
  }
  const candidates = plans.map((p) => {
    const exact = p.cost.exact;
    if (registered && p.cost.needsKeys && !registered.includes(p.name)) {
      return { plan: p.name, estimated_ms: Infinity, exact, reason: "keys not registered" };
    }
    return { plan: p.name, estimated_ms: expectedPlanMs(p.cost, queries), exact };
  });
  const fastest = (list: typeof candidates) =>
    list.reduce((a, b) => (b.estimated_ms < a.estimated_ms ? b : a), list[0]);
  let best = fastest(candidates);
  if (!best || !Number.isFinite(best.estimated_ms)) {
    throw new RangeError("no usable plan: register the keys of one of the offered plans first");
  }
  if (!best.exact) {
    const exact = fastest(candidates.filter((c) => c.exact));
    if (exact && exact.estimated_ms <= EXACT_PREFERENCE * best.estimated_ms) best = exact;
  }
  return { plan: best.plan, estimated_ms: best.estimated_ms, exact: best.exact, candidates };
}
