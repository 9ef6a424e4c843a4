/**
 * A small hand-written SVG grouped bar chart (no dependencies), e.g. HOPs per layer per variant
 * or latency per variant, optionally on a logarithmic axis.
 *
 * @module
 */

/** One series: a value per group. */
export interface BarSeries {
  /** Legend label. */
  label: string;
  /** One value per group. */
  values: number[];
  /** Fill colour (any SVG colour). */
  color: string;
}

/** Options of {@linkcode barChartSvg}. */
export interface BarChartOptions {
  /** Chart title. */
  title: string;
  /** Label of the y axis. */
  yLabel: string;
  /** Group labels along the x axis. */
  groups: string[];
  /** The series, drawn side by side in each group. */
  series: BarSeries[];
  /** Logarithmic y axis (values <= 0 are drawn as empty). */
  logY?: boolean;
  /** Width in pixels. */
  width?: number;
  /** Height in pixels. */
  height?: number;
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function fmt(v: number): string {
  if (v >= 1e6) return `${(v / 1e6).toPrecision(3)}M`;
  if (v >= 1e3) return `${(v / 1e3).toPrecision(3)}k`;
  return v >= 10 ? v.toFixed(0) : v.toPrecision(2);
}

/** Renders the chart as an SVG document. */
export function barChartSvg(o: BarChartOptions): string {
  const W = o.width ?? 820, H = o.height ?? 460;
  const m = { left: 80, right: 20, top: 50, bottom: 90 };
  const pw = W - m.left - m.right, ph = H - m.top - m.bottom;
  const all = o.series.flatMap((s) => s.values).filter((v) =>
    Number.isFinite(v) && (!o.logY || v > 0)
  );
  const max = Math.max(...all, 1e-12);
  const min = o.logY ? Math.min(...all, max) : 0;
  const lo = o.logY ? Math.floor(Math.log10(min)) : 0;
  const hi = o.logY ? Math.ceil(Math.log10(max)) : max * 1.1;
  const y = (v: number) => {
    if (o.logY) {
      return v > 0 ? m.top + ph * (1 - (Math.log10(v) - lo) / Math.max(hi - lo, 1)) : m.top + ph;
    }
    return m.top + ph * (1 - v / hi);
  };
  const gw = pw / o.groups.length;
  const bw = (gw * 0.8) / o.series.length;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
  );
  parts.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  parts.push(
    `<text x="${W / 2}" y="24" text-anchor="middle" font-size="16">${esc(o.title)}</text>`,
  );
  const ticks = o.logY
    ? Array.from({ length: hi - lo + 1 }, (_, i) => 10 ** (lo + i))
    : Array.from({ length: 6 }, (_, i) => (hi * i) / 5);
  for (const t of ticks) {
    const ty = y(t);
    parts.push(`<line x1="${m.left}" x2="${W - m.right}" y1="${ty}" y2="${ty}" stroke="#ddd"/>`);
    parts.push(`<text x="${m.left - 6}" y="${ty + 4}" text-anchor="end">${fmt(t)}</text>`);
  }
  parts.push(
    `<text transform="translate(18 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle">${
      esc(o.yLabel)
    }</text>`,
  );
  o.groups.forEach((g, gi) => {
    const x0 = m.left + gi * gw + gw * 0.1;
    o.series.forEach((s, si) => {
      const v = s.values[gi];
      if (!Number.isFinite(v) || (o.logY && v <= 0)) return;
      const top = y(v);
      const x = x0 + si * bw;
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${top.toFixed(1)}" width="${(bw - 2).toFixed(1)}" height="${
          (m.top + ph - top).toFixed(1)
        }" fill="${s.color}"><title>${esc(`${s.label}, ${g}: ${v}`)}</title></rect>`,
      );
    });
    parts.push(
      `<text x="${m.left + gi * gw + gw / 2}" y="${m.top + ph + 18}" text-anchor="middle">${
        esc(g)
      }</text>`,
    );
  });
  parts.push(
    `<line x1="${m.left}" x2="${m.left}" y1="${m.top}" y2="${m.top + ph}" stroke="black"/>`,
  );
  parts.push(
    `<line x1="${m.left}" x2="${W - m.right}" y1="${m.top + ph}" y2="${
      m.top + ph
    }" stroke="black"/>`,
  );
  o.series.forEach((s, si) => {
    const lx = m.left + (si % 4) * 190, ly = H - 40 + Math.floor(si / 4) * 18;
    parts.push(`<rect x="${lx}" y="${ly - 10}" width="12" height="12" fill="${s.color}"/>`);
    parts.push(`<text x="${lx + 18}" y="${ly}">${esc(s.label)}</text>`);
  });
  parts.push(`</svg>`);
  return parts.join("\n") + "\n";
}
