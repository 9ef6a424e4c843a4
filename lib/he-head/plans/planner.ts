/**
 * The planner: for a number of queries, the plan with the lowest expected time among those the
 * client can use (its keys registered, or needing none), from each plan's expected time per
 * evaluation (HOPs times measured per-operation costs).
 *
 * @module
 */

/** What the planner needs to know of a plan. */
export interface PlanCost {
  name: string;
  encoding: "poly" | "simd" | "packed";
  /** Expected milliseconds of one evaluation. */
  estimated_ms: number;
  /** Queries one evaluation serves (1 for poly and packed, the slot count for simd). */
  max_queries: number;
  /** Whether the client must have registered evaluation keys for it. */
  needs_keys: boolean;
}

/** The planner's answer. */
export interface PlanChoice {
  plan: string;
  /** Expected milliseconds for all the queries. */
  estimated_ms: number;
  /** Every plan considered, with its expected time (Infinity when unusable) and why not. */
  candidates: { plan: string; estimated_ms: number; reason?: string }[];
}

/** Expected milliseconds of `queries` queries under a plan. */
export function expectedPlanMs(p: PlanCost, queries: number): number {
  const evaluations = p.encoding === "simd" ? Math.ceil(queries / p.max_queries) : queries;
  return evaluations * p.estimated_ms;
}

/**
 * Picks the fastest usable plan for `queries` queries. `registered` lists plans whose keys the
 * client has registered (undefined: assume every plan is usable).
 *
 * @throws {RangeError} when no plan is usable.
 */
export function choosePlan(
  plans: readonly PlanCost[],
  queries: number,
  registered?: readonly string[],
): PlanChoice {
  if (!Number.isInteger(queries) || queries < 1) {
    throw new RangeError(`expected queries >= 1, received ${queries}`);
  }
  const candidates = plans.map((p) => {
    if (registered && p.needs_keys && !registered.includes(p.name)) {
      return { plan: p.name, estimated_ms: Infinity, reason: "keys not registered" };
    }
    return { plan: p.name, estimated_ms: expectedPlanMs(p, queries) };
  });
  const best = candidates.reduce(
    (a, b) => (b.estimated_ms < a.estimated_ms ? b : a),
    candidates[0],
  );
  if (!best || !Number.isFinite(best.estimated_ms)) {
    throw new RangeError("no usable plan: register the keys of one of the offered plans first");
  }
  return { plan: best.plan, estimated_ms: best.estimated_ms, candidates };
}
