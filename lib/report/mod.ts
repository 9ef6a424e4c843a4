/**
 * Reporting helpers shared by scripts: statistics over repeated runs, text tables and SVG charts.
 *
 * @example
 * ```ts
 * import { formatTable, median } from "./mod.ts";
 * console.error(formatTable([["run", "ms"], ["a", median([3, 1, 2])]]));
 * ```
 *
 * @module
 */
export * from "./stats.ts";
export * from "./table.ts";
export * from "./svg_bar_chart.ts";
