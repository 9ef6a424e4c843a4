/**
 * The Fashion-MNIST report: a markdown table and an SVG plot of test accuracy against epsilon,
 * with Tramer and Boneh's anchor (89.7% at epsilon about 3) beside the curve.
 *
 * @module
 */
import { lineChartSvg } from "../../lib/report/mod.ts";
import type { EncryptedCheck } from "./encrypted_check.ts";
import type { EpsilonRow } from "./runs.ts";

/** Tramer and Boneh (ICLR 2021): ScatterNet + linear, Fashion-MNIST, epsilon 2.93, delta 1e-5. */
const ANCHOR = { epsilon: 2.93, accuracy: 0.897 } as const;

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** The table of the rows (markdown). */
export function resultsTable(rows: readonly EpsilonRow[]): string {
  const lines = [
    "| epsilon (delta 1e-5) | noise multiplier | integer head, median | runs | float head, median |",
    "| --- | --- | --- | --- | --- |",
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.epsilon === null ? "non-private" : r.epsilon} | ${r.noiseMultiplier.toFixed(3)} | ` +
        `**${pct(r.median)}** | ${r.accuracies.map(pct).join(", ")} | ${pct(r.floatMedian)} |`,
    );
  }
  return lines.join("\n");
}

/** The table of the encrypted checks (markdown). */
export function encryptedTable(checks: readonly EncryptedCheck[]): string {
  const lines = [
    "| plan | exact | queries | logits differing | arg-max differing | encrypted correct | integer head correct |",
    "| --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const c of checks) {
    lines.push(
      `| ${c.plan} | ${c.exact} | ${c.queries} | ${c.logitMismatches ?? "n/a"} | ` +
        `${c.argmaxMismatches} | ${c.correct} | ${c.plainCorrect} |`,
    );
  }
  return lines.join("\n");
}

/** Accuracy (%) against epsilon (log scale), the non-private level dashed, the anchor marked. */
export function accuracyChart(rows: readonly EpsilonRow[], title: string): string {
  const dp = rows.filter((r) => r.epsilon !== null);
  const flat = rows.find((r) => r.epsilon === null);
  const xs = dp.map((r) => r.epsilon!);
  const lo = Math.min(...xs) * 0.8, hi = Math.max(...xs) * 1.25;
  const ys = [...rows.map((r) => r.median * 100), ANCHOR.accuracy * 100];
  return lineChartSvg({
    title,
    xLabel: "epsilon (log scale), delta 1e-5",
    yLabel: "test accuracy (%)",
    logX: true,
    xTicks: xs,
    xRange: [lo, hi],
    yRange: [
      Math.floor(Math.min(...ys) / 5) * 5,
      Math.min(100, Math.ceil(Math.max(...ys) / 5) * 5 + 5),
    ],
    series: [
      {
        label: "DP head, median",
        points: dp.map((r) => [r.epsilon!, r.median * 100]),
        color: "#1f77b4",
        markers: true,
      },
      ...(flat
        ? [{
          label: `non-private (${(flat.median * 100).toFixed(1)}%)`,
          points: [[lo, flat.median * 100], [hi, flat.median * 100]] as [number, number][],
          color: "#555",
          dash: "6 4",
        }]
        : []),
      {
        label: "Tramer & Boneh 2021",
        points: [[ANCHOR.epsilon, ANCHOR.accuracy * 100]],
        color: "#d62728",
        markers: true,
      },
    ],
  });
}
