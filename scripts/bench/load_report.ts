/**
 * What the load test leaves for people to look at: its JSON result and an SVG chart of throughput
 * per phase (1 worker, N workers) beside the floor the server's own evaluation time sets.
 *
 * @module
 */
import { barChartSvg } from "../../lib/report/mod.ts";
import type { PhaseResult } from "./load_phase.ts";

/** Writes `<dir>/<name>.json` (the result) and `<dir>/<name>.svg`; returns their paths. */
export async function writeLoadReport(
  dir: string,
  name: string,
  result: { plan: string; queries_per_request: number; phases: PhaseResult[] },
): Promise<string[]> {
  await Deno.mkdir(dir, { recursive: true });
  const json = `${dir}/${name}.json`, svg = `${dir}/${name}.svg`;
  await Deno.writeTextFile(json, JSON.stringify(result, null, 2) + "\n");
  const p = result.phases;
  await Deno.writeTextFile(
    svg,
    barChartSvg({
      title:
        `Load test: ${result.plan}, ${result.queries_per_request} queries per request (same run)`,
      yLabel: "queries per second",
      groups: p.map((x) => `${x.workers} worker${x.workers > 1 ? "s" : ""}`),
      series: [
        { label: "measured, all workers", values: p.map((x) => x.queries_per_s), color: "#1f77b4" },
        {
          label: "measured, per core",
          values: p.map((x) => x.queries_per_s_per_core),
          color: "#2ca02c",
        },
        {
          label: "floor: one core at the server's own evaluation time",
          values: p.map((x) => x.server_bound_queries_per_s_per_core),
          color: "#aaaaaa",
        },
      ],
    }),
  );
  return [json, svg];
}
