/**
 * `deno run -A scripts/fit_activations.ts [--out results/activations] [--json]`
 * (also `deno task activations`)
 *
 * Optimal quantized activations (the paper's RQ2): for ReLU, Swish, GELU and sigmoid, the
 * least-squares polynomial of degree 2, 3 and 4 and the best polynomial with coefficients in
 * `{0} u {+-2^e : -8 <= e <= 2}` (exhaustive search), under the stated pre-activation
 * distribution N(0, 1) (the head's pre-activations at initialisation; no data involved), and,
 * for comparison with the paper's ReLU-AQ, under N(0, 2^2). Writes `table.md`, `fits.json` and
 * one SVG plot per function to the output folder; prints the table on stderr and, with
 * `--json`, the fits as the last stdout line.
 *
 * @module
 */
import {
  ACTIVATION_NAMES,
  ACTIVATIONS,
  DEFAULT_POW2_RANGE,
  evalPolynomial,
  leastSquaresFit,
  normalDistribution,
  normalPdf,
  polynomialMse,
  pow2Fit,
} from "../lib/dp-training/mod.ts";
import { lineChartSvg } from "../lib/report/mod.ts";
import { parseCli } from "./cli/usage.ts";

const USAGE = `usage: deno task activations [--out DIR] [--json]
  --out DIR    output folder of table.md, fits.json and the plots (default results/activations)
  --json       print the fits as the last stdout line`;

const { values: args } = parseCli(USAGE, {
  options: {
    out: { type: "string", default: "results/activations" },
    json: { type: "boolean", default: false },
  },
});
const out = args.out!;
await Deno.mkdir(out, { recursive: true });

const DEGREES = [2, 3, 4];
const PAPER_RELU_AQ = [0.25, 0.5, 0.125];
const distributions = [normalDistribution(0, 1), normalDistribution(0, 2)];

/** A polynomial for people: ascending terms, exact powers of two as 2^e, dust (< 1e-12) dropped. */
function poly(c: number[]): string {
  const terms: string[] = [];
  c.forEach((v, i) => {
    if (Math.abs(v) < 1e-12) return;
    const power = i === 0 ? "" : i === 1 ? " x" : ` x^${i}`;
    terms.push(`${v < 0 ? "- " : "+ "}${fmtCoef(Math.abs(v))}${power}`);
  });
  return terms.join(" ").replace(/^\+ /, "") || "0";
}
function fmtCoef(v: number): string {
  const e = Math.log2(v);
  return Number.isInteger(e) && e < 0 ? `2^${e}` : String(Number(v.toPrecision(4)));
}

interface Row {
  distribution: string;
  activation: string;
  degree: number;
  least_squares: { coefficients: number[]; mse: number };
  pow2: { coefficients: number[]; mse: number };
}
const rows: Row[] = [];
const t0 = performance.now();
for (const dist of distributions) {
  for (const name of ACTIVATION_NAMES) {
    for (const degree of DEGREES) {
      const ls = leastSquaresFit(ACTIVATIONS[name], degree, dist);
      const p2 = pow2Fit(ACTIVATIONS[name], degree, dist, DEFAULT_POW2_RANGE);
      rows.push({
        distribution: dist.label,
        activation: name,
        degree,
        least_squares: { coefficients: ls.coefficients, mse: ls.mse },
        pow2: { coefficients: p2.coefficients, mse: p2.mse },
      });
    }
  }
}
const paper = distributions.map((d) => ({
  distribution: d.label,
  mse: polynomialMse(ACTIVATIONS.relu, PAPER_RELU_AQ, d),
}));

const md: string[] = [
  "# Optimal quantized activations",
  "",
  `Mean squared error E[(f(x) - p(x))^2] under the stated pre-activation distribution. "pow2": the best`,
  `polynomial whose coefficients are 0 or +-2^e with ${DEFAULT_POW2_RANGE.minExponent} <= e <= ${DEFAULT_POW2_RANGE.maxExponent}, found by`,
  "exhaustive search (so it is the exact optimum of that set). N(0, 1) is the distribution the head's",
  "activations are chosen under (pre-activations of a head initialised for unit variance; no data used).",
  "",
];
for (const dist of distributions) {
  md.push(
    `## ${dist.label}`,
    "",
    "| activation | degree | least squares | MSE | pow2 (AQ) | MSE | ratio |",
    "|---|---|---|---|---|---|---|",
  );
  for (const r of rows.filter((r) => r.distribution === dist.label)) {
    md.push(
      `| ${r.activation} | ${r.degree} | ${
        poly(r.least_squares.coefficients.map((c) => Number(c.toPrecision(4))))
      } | ${r.least_squares.mse.toExponential(2)} | ${poly(r.pow2.coefficients)} | ${
        r.pow2.mse.toExponential(2)
      } | ${(r.pow2.mse / r.least_squares.mse).toFixed(2)} |`,
    );
  }
  const p = paper.find((x) => x.distribution === dist.label)!;
  md.push(
    `| relu (paper's ReLU-AQ) | 2 | | | ${poly(PAPER_RELU_AQ)} | ${p.mse.toExponential(2)} | |`,
    "",
  );
}
md.push(
  "The paper's ReLU-AQ (0.125x^2 + 0.5x + 0.25) is the exact pow2 optimum under N(0, 2^2); under",
  "N(0, 1) the optimum is 0.25x^2 + 0.5x + 0.125 (the same shape for inputs half as wide).",
  "",
);
await Deno.writeTextFile(`${out}/table.md`, md.join("\n"));
await Deno.writeTextFile(
  `${out}/fits.json`,
  JSON.stringify({ rows, paper_relu_aq: paper }, null, 2) + "\n",
);

const colors = ["#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e"];
const xs = Array.from({ length: 321 }, (_, i) => -4 + i * 0.025);
const n01 = distributions[0].label;
for (const name of ACTIVATION_NAMES) {
  const f = ACTIVATIONS[name];
  const get = (deg: number) =>
    rows.find((r) => r.distribution === n01 && r.activation === name && r.degree === deg)!;
  const curve = (c: number[]) => xs.map((x): [number, number] => [x, evalPolynomial(c, x)]);
  const exact = xs.map((x): [number, number] => [x, f(x)]);
  const yLo = Math.min(...exact.map((p) => p[1])), yHi = Math.max(...exact.map((p) => p[1]));
  const pad = 0.25 * (yHi - yLo);
  const svg = lineChartSvg({
    title: `${name}: polynomial approximations under N(0, 1)`,
    xLabel: "pre-activation x",
    yLabel: `${name}(x)`,
    xRange: [-4, 4],
    yRange: [yLo - pad, yHi + pad],
    shade: {
      label: "N(0, 1) density (scaled)",
      color: "#999999",
      points: xs.map((x): [number, number] => [x, yLo - pad + normalPdf(x) * 1.5 * (yHi - yLo)]),
    },
    series: [
      { label: name, points: exact, color: "#000000", width: 2.5 },
      {
        label: `LS deg 2 (${get(2).least_squares.mse.toExponential(1)})`,
        points: curve(get(2).least_squares.coefficients),
        color: colors[1],
        dash: "6 4",
      },
      {
        label: `AQ deg 2 (${get(2).pow2.mse.toExponential(1)})`,
        points: curve(get(2).pow2.coefficients),
        color: colors[0],
      },
      {
        label: `LS deg 4 (${get(4).least_squares.mse.toExponential(1)})`,
        points: curve(get(4).least_squares.coefficients),
        color: colors[2],
        dash: "6 4",
      },
      {
        label: `AQ deg 4 (${get(4).pow2.mse.toExponential(1)})`,
        points: curve(get(4).pow2.coefficients),
        color: colors[3],
      },
      ...(name === "relu"
        ? [{
          label: `paper ReLU-AQ (${paper[0].mse.toExponential(1)})`,
          points: curve(PAPER_RELU_AQ),
          color: colors[4],
          dash: "2 3",
        }]
        : []),
    ],
  });
  await Deno.writeTextFile(`${out}/${name}.svg`, svg);
}
console.error(md.join("\n"));
console.error(
  `wrote ${out}/table.md, fits.json and ${ACTIVATION_NAMES.length} SVG plots in ${
    ((performance.now() - t0) / 1000).toFixed(1)
  } s`,
);
if (args.json) console.log(JSON.stringify({ rows, paper_relu_aq: paper }));
