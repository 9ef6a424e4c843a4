/**
 * A small hand-written SVG line chart (no dependencies) for the reports people look at:
 * activation approximations and accuracy against epsilon.
 *
 * @module
 */

/** One line (or set of markers) of a chart. */
export interface ChartSeries {
  /** Legend text. */
  label: string;
  /** `[x, y]` points in order. */
  points: [number, number][];
  /** CSS colour. */
  color: string;
  /** Dash pattern, e.g. `"6 4"`. */
  dash?: string;
  /** Draw a circle at each point. */
  markers?: boolean;
  /** Line width (default 2). */
  width?: number;
}

/** Options of {@linkcode lineChartSvg}. */
export interface ChartOptions {
  /** Title above the plot. */
  title: string;
  /** X axis label. */
  xLabel: string;
  /** Y axis label. */
  yLabel: string;
  /** The lines. */
  series: ChartSeries[];
  /** Axis ranges (default: the data's). */
  xRange?: [number, number];
  /** Y axis range (default: the data's). */
  yRange?: [number, number];
  /** Logarithmic x axis. */
  logX?: boolean;
  /** Where to put the x ticks (default: evenly spaced round numbers). */
  xTicks?: number[];
  /** Width in pixels (default 720). */
  width?: number;
  /** Height in pixels (default 440). */
  height?: number;
  /** Optional shaded area under a curve (e.g. a density), drawn first, scaled to the plot. */
  shade?: { label: string; points: [number, number][]; color: string };
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function ticks(lo: number, hi: number, n = 6): number[] {
  const span = hi - lo;
  const step0 = span / n;
  const mag = 10 ** Math.floor(Math.log10(step0));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= step0) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9 * span; v += step) {
    out.push(Number(v.toPrecision(10)));
  }
  return out;
}

/** Plot geometry: size, margins, data ranges and the data-to-pixel maps. */
interface Frame {
  W: number;
  H: number;
  m: { l: number; r: number; t: number; b: number };
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  X: (x: number) => number;
  Y: (y: number) => number;
  clipY: (y: number) => number;
}

function frameOf(o: ChartOptions): Frame {
  const W = o.width ?? 720, H = o.height ?? 440;
  const m = { l: 64, r: 210, t: 40, b: 52 };
  const all = o.series.flatMap((s) => s.points);
  if (all.length === 0) throw new RangeError("expected at least one point, received none");
  const fx = (x: number) => (o.logX ? Math.log10(x) : x);
  const [x0, x1] = o.xRange ??
    [Math.min(...all.map((p) => p[0])), Math.max(...all.map((p) => p[0]))];
  const [y0, y1] = o.yRange ??
    [Math.min(...all.map((p) => p[1])), Math.max(...all.map((p) => p[1]))];
  const X = (x: number) => m.l + ((fx(x) - fx(x0)) / (fx(x1) - fx(x0) || 1)) * (W - m.l - m.r);
  const Y = (y: number) => H - m.b - ((y - y0) / (y1 - y0 || 1)) * (H - m.t - m.b);
  const clipY = (y: number) => Math.min(Math.max(y, y0 - (y1 - y0)), y1 + (y1 - y0));
  return { W, H, m, x0, x1, y0, y1, X, Y, clipY };
}

/** The document head, grid, tick labels, frame and axis labels. */
function axesSvg(o: ChartOptions, f: Frame): string[] {
  const { W, H, m, x0, x1, y0, y1, X, Y } = f;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<defs><clipPath id="plot"><rect x="${m.l}" y="${m.t}" width="${W - m.l - m.r}" height="${
      H - m.t - m.b
    }"/></clipPath></defs>`,
    `<text x="${W / 2 - m.r / 2 + m.l / 2}" y="22" text-anchor="middle" font-size="15">${
      esc(o.title)
    }</text>`,
  ];
  const xt = o.xTicks ??
    (o.logX
      ? ticks(Math.log10(x0), Math.log10(x1)).map((v) => 10 ** v).filter((v) => v >= x0 && v <= x1)
      : ticks(x0, x1));
  for (const v of xt) {
    parts.push(
      `<line x1="${X(v)}" y1="${m.t}" x2="${X(v)}" y2="${H - m.b}" stroke="#e5e5e5"/>`,
      `<text x="${X(v)}" y="${H - m.b + 16}" text-anchor="middle">${
        Number(v.toPrecision(4))
      }</text>`,
    );
  }
  for (const v of ticks(y0, y1)) {
    parts.push(
      `<line x1="${m.l}" y1="${Y(v)}" x2="${W - m.r}" y2="${Y(v)}" stroke="#e5e5e5"/>`,
      `<text x="${m.l - 6}" y="${Y(v) + 4}" text-anchor="end">${Number(v.toPrecision(4))}</text>`,
    );
  }
  parts.push(
    `<rect x="${m.l}" y="${m.t}" width="${W - m.l - m.r}" height="${
      H - m.t - m.b
    }" fill="none" stroke="#888"/>`,
    `<text x="${(m.l + W - m.r) / 2}" y="${H - 12}" text-anchor="middle">${esc(o.xLabel)}</text>`,
    `<text transform="translate(16 ${(m.t + H - m.b) / 2}) rotate(-90)" text-anchor="middle">${
      esc(o.yLabel)
    }</text>`,
  );
  return parts;
}

/** The shaded band, the series (paths and markers), then the legend. */
function plotSvg(o: ChartOptions, f: Frame): string[] {
  const { W, m, y0, X, Y, clipY } = f;
  const parts: string[] = [], legend: string[] = [];
  let ly = m.t + 8;
  if (o.shade) {
    const pts = o.shade.points;
    const d = [
      `M${X(pts[0][0])},${Y(y0)}`,
      ...pts.map(([x, y]) => `L${X(x)},${Y(y)}`),
      `L${X(pts[pts.length - 1][0])},${Y(y0)}Z`,
    ].join(" ");
    parts.push(`<path d="${d}" fill="${o.shade.color}" opacity="0.25" clip-path="url(#plot)"/>`);
    legend.push(
      `<rect x="${W - m.r + 12}" y="${
        ly - 6
      }" width="22" height="10" fill="${o.shade.color}" opacity="0.25"/>`,
      `<text x="${W - m.r + 40}" y="${ly + 4}">${esc(o.shade.label)}</text>`,
    );
    ly += 20;
  }
  for (const s of o.series) {
    const d = s.points.map(([x, y], i) =>
      `${i ? "L" : "M"}${X(x).toFixed(2)},${Y(clipY(y)).toFixed(2)}`
    )
      .join(" ");
    const dash = s.dash ? ` stroke-dasharray="${s.dash}"` : "";
    parts.push(
      `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="${
        s.width ?? 2
      }"${dash} clip-path="url(#plot)"/>`,
    );
    if (s.markers) {
      for (const [x, y] of s.points) {
        parts.push(`<circle cx="${X(x)}" cy="${Y(y)}" r="3.5" fill="${s.color}"/>`);
      }
    }
    legend.push(
      `<line x1="${W - m.r + 12}" y1="${ly}" x2="${
        W - m.r + 34
      }" y2="${ly}" stroke="${s.color}" stroke-width="${s.width ?? 2}"${dash}/>`,
      `<text x="${W - m.r + 40}" y="${ly + 4}">${esc(s.label)}</text>`,
    );
    ly += 20;
  }
  return [...parts, ...legend];
}

/**
 * Renders a line chart as an SVG document.
 *
 * @example
 * ```ts
 * import { lineChartSvg } from "./svg_line_chart.ts";
 * const svg = lineChartSvg({ title: "y = x^2", xLabel: "x", yLabel: "y", series: [
 *   { label: "x^2", color: "#1f77b4", points: [[0, 0], [1, 1], [2, 4]] },
 * ] });
 * ```
 */
export function lineChartSvg(o: ChartOptions): string {
  const f = frameOf(o);
  return [...axesSvg(o, f), ...plotSvg(o, f), "</svg>"].join("\n") + "\n";
}
