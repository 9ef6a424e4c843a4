/**
 * The plans benchmark's row and its human table (stderr): sizes, times, the planner's estimates
 * and the error of each plan.
 *
 * @module
 */
import type { Network } from "../../lib/model/network.ts";
import { formatBytes, formatTable } from "../../lib/report/mod.ts";

/** Results per plan. */
export interface PlanBench {
  plan: string;
  encoding: string;
  queries: number;
  server_ms: number;
  /** Median CPU time of the process per evaluation (ms): what the load inflates least. */
  server_cpu_ms: number;
  estimated_ms: number;
  query_bytes: number;
  response_bytes: number;
  key_bytes: number;
  exact: boolean;
  /** Largest |logit error| (0 for exact plans; checked equal bit for bit). */
  max_error: number;
  /** Whether the plan's answers are circuit-private (flooded). */
  circuit_private: boolean;
  /** BFV: medians of the server's stages (ms). */
  evaluate_ms?: number;
  mask_ms?: number;
  flood_ms?: number;
  pack_ms?: number;
  /** BFV: smallest noise budget (bits) of the decrypted response. */
  response_budget_bits?: number;
}

/** Logs the plans' table: sizes, times, the planner's estimates and the error. */
export function logPlanTable(net: Network, rows: PlanBench[], log: (s: string) => void): void {
  const shape = [
    net.inputSize,
    ...net.layers.filter((l) => l.weights > 0).map((l) => l.outShape.join("x")),
  ];
  log(`\nPlans on the head (${net.name}: ${shape.join(" -> ")})`);
  log(formatTable([
    [
      "plan",
      "queries",
      "server ms (median)",
      "planner estimate ms",
      "query",
      "response",
      "eval keys",
      "exact",
      "max |error|",
    ],
    ...rows.map((
      r,
    ) => [
      r.plan,
      r.queries,
      r.server_ms,
      r.estimated_ms,
      formatBytes(r.query_bytes),
      formatBytes(r.response_bytes),
      formatBytes(r.key_bytes),
      r.exact ? "yes" : "no",
      r.max_error,
    ]),
  ]));
}
