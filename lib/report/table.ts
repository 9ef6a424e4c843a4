/** Plain-text tables for people (benchmarks and reports print them to stderr). @module */

/** Renders rows as an aligned table; the first row is the header. Numbers align right. */
export function formatTable(rows: readonly (readonly (string | number)[])[]): string {
  const cells = rows.map((r) => r.map((c) => (typeof c === "number" ? formatNumber(c) : c)));
  const widths = cells[0].map((_, i) => Math.max(...cells.map((r) => (r[i] ?? "").length)));
  const numeric = rows[1]?.map((c) => typeof c === "number") ?? [];
  const line = (r: string[]) =>
    r.map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ")
      .trimEnd();
  return [line(cells[0]), widths.map((w) => "-".repeat(w)).join("  "), ...cells.slice(1).map(line)]
    .join("\n");
}

/** A number with a sensible precision for tables. */
function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (Number.isInteger(x)) return String(x);
  const a = Math.abs(x);
  return a >= 100
    ? x.toFixed(0)
    : a >= 10
    ? x.toFixed(1)
    : a >= 1
    ? x.toFixed(2)
    : x.toPrecision(2);
}

/** Bytes as B / KB / MB (powers of 1000). */
export function formatBytes(n: number): string {
  return n >= 1e6
    ? `${(n / 1e6).toFixed(2)} MB`
    : n >= 1e3
    ? `${(n / 1e3).toFixed(1)} KB`
    : `${n} B`;
}
