/**
 * The wide benchmark's report: the table (one row per grid point, with the floor beside the
 * measured times) and the SVG chart (server time and floor against d, one line per hidden width).
 *
 * @module
 */
import { formatTable, lineChartSvg } from "../../lib/report/mod.ts";
import type { WideBench } from "./wide.ts";

const KB = (n: number) => (n / 1024).toFixed(0);

/** The table (one row per point). */
export function wideTable(rows: readonly WideBench[]): string {
  return formatTable([
    [
      "d",
      "hidden",
      "plan",
      "server ms",
      "eval ms",
      "in SEAL ms",
      "floor ms",
      "query KB",
      "answer KB",
      "keys KB",
      "exact",
      "budget",
    ],
    ...rows.map((r) => [
      r.d,
      r.hidden,
      r.plan ? `${r.plan} (${r.lanes} lane${r.lanes === 1 ? "" : "s"})` : "(does not fit)",
      r.server_ms.toFixed(0),
      r.eval_ms.toFixed(0),
      r.seal_ms.toFixed(0),
      r.floor_ms.toFixed(0),
      KB(r.query_bytes),
      KB(r.response_bytes),
      KB(r.key_bytes),
      r.exact ? "yes" : "NO",
      r.budget_bits,
    ]),
  ]);
}

/** Server time and floor against d, one line per hidden width. */
export function wideChart(rows: readonly WideBench[]): string {
  const colors = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd"];
  const hiddens = [...new Set(rows.map((r) => r.hidden))];
  const series = hiddens.flatMap((h, i) => {
    const own = rows.filter((r) => r.hidden === h && r.plan !== null);
    return [
      {
        label: `hidden ${h}: server ms`,
        color: colors[i % 4],
        markers: true,
        points: own.map((r) => [r.d, r.server_ms] as [number, number]),
      },
      {
        label: `hidden ${h}: floor ms`,
        color: colors[i % 4],
        dash: "6 4",
        points: own.map((r) => [r.d, r.floor_ms] as [number, number]),
      },
    ];
  });
  return lineChartSvg({
    title: "bfv_wide: one exact query, server time and SEAL floor",
    xLabel: "inputs d",
    yLabel: "ms",
    series,
    logX: true,
    xTicks: [...new Set(rows.map((r) => r.d))],
  });
}
