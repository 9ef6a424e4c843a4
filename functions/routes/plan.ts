/**
 * `GET /v1/plan?queries=N[&registered=name,name]`: the planner's choice for N queries among the
 * plans whose keys the client has registered, with every candidate's expected time. `queries` is
 * a plain decimal integer from 1 to 1,000,000 (default 1); a repeated parameter is refused.
 *
 * @module
 */
import { Hono } from "hono";
import { choosePlan } from "../../lib/he-head/mod.ts";
import { PATHS } from "../../lib/protocol/api.ts";
import { ApiError } from "../../lib/protocol/errors.ts";
import type { HeadService } from "../../lib/server/service.ts";

/** A plain decimal count of queries, 1 to 1,000,000 (no sign, exponent, hex or spaces). */
const QUERIES = /^[1-9][0-9]{0,6}$/;

/** The one value of parameter `name`, or undefined; 400 when it is repeated. */
function single(params: URLSearchParams, name: string): string | undefined {
  const all = params.getAll(name);
  if (all.length > 1) {
    throw new ApiError(
      400,
      "repeated-parameter",
      `expected at most one ${name} parameter, received ${all.length}`,
    );
  }
  return all[0];
}

/** The planner route. */
export function planRoutes(service: HeadService): Hono {
  const app = new Hono();
  app.get(PATHS.plan, (c) => {
    const params = new URL(c.req.url).searchParams;
    const q = single(params, "queries") ?? "1";
    const queries = QUERIES.test(q) ? Number(q) : NaN;
    if (!(queries <= 1_000_000)) {
      throw new ApiError(
        400,
        "bad-queries",
        `expected queries a decimal integer in [1, 1000000], received ${
          JSON.stringify(q.slice(0, 40))
        }`,
      );
    }
    const reg = single(params, "registered");
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
