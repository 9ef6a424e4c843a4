/**
 * Reporting helpers shared by scripts and experiments: statistics over repeated runs, text
 * tables, SVG bar and line charts, and a progress bar on stderr.
 *
 * @example
 * ```ts
 * import { formatTable, lineChartSvg, median, ProgressBar } from "./mod.ts";
 * console.error(formatTable([["run", "ms"], ["a", median([3, 1, 2])]]));
 * const svg = lineChartSvg({ title: "y = x^2", xLabel: "x", yLabel: "y", series: [
 *   { label: "x^2", color: "#1f77b4", points: [[0, 0], [1, 1], [2, 4]] },
 * ] });
 * const bar = new ProgressBar(10, "demo", false);
 * bar.update(5);
 * bar.done();
 * ```
 *
 * @module
 */
export * from "./stats.ts";
export * from "./table.ts";
export * from "./svg_bar_chart.ts";
export * from "./svg_line_chart.ts";
export * from "./progress_bar.ts";
