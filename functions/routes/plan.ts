/**
 * `GET /v1/plan?queries=N[&registered=name,name]`: the planner's choice for N queries among the
 * plans whose keys the client has registered, with every candidate's expected time.
 *
 * @module
 */
import { Hono } from "hono";
import { choosePlan } from "../../lib/he-head/params/planner.ts";
import { PATHS } from "../../lib/protocol/api.ts";
import { ApiError } from "../errors.ts";
import type { HeadService } from "../service.ts";

/** The planner route. */
export function planRoutes(service: HeadService): Hono {
  const app = new Hono();
  app.get(PATHS.plan, (c) => {
    const q = c.req.query("queries") ?? "1";
    const queries = Number(q);
    if (!Number.isInteger(queries) || queries < 1 || queries > 1_000_000) {
      throw new ApiError(
        400,
        "bad-queries",
        `expected queries in [1, 1000000], received ${JSON.stringify(q)}`,
      );
    }
    const reg = c.req.query("registered");
    const registered = reg === undefined ? undefined : reg.split(",").filter(Boolean);
    try {
      return c.json(
        choosePlan(service.plans.map((p) => service.describePlanCost(p)), queries, registered),
      );
    } catch (e) {
      throw new ApiError(409, "no-usable-plan", (e as Error).message);
    }
  });
  return app;
}
