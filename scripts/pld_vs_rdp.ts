/**
 * `deno run -A scripts/pld_vs_rdp.ts [--results results/dp_training/pld_vs_rdp] [--json]`
 *
 * The PLD against RDP comparison on the shipped heads' settings, from `deno task dp-sweep` runs
 * made with `--accountant rdp` and `--accountant pld` into `<results>/rdp*` and `<results>/pld*`
 * (folders whose names start with the accountant; runs of the same epsilon are pooled): the
 * noise multiplier each accountant calibrates, the PLD epsilon at the RDP-calibrated noise
 * (composed as the trainer does: the breast-cancer head's DP column bounds first), and the median
 * test accuracies. Writes `<results>.{md,json,svg}`; the table goes to stderr and, with
 * `--json`, the JSON is the last stdout line.
 *
 * @module
 */
import { lineChartSvg, median } from "../lib/report/mod.ts";
import {
  type Accountant,
  BudgetAccountant,
  dpBoundsNoiseMultiplier,
  GaussianMechanism,
  subsampledGaussianCost,
  trainingPldInterval,
} from "../lib/dp-training/mod.ts";
import { parseCli } from "./cli/usage.ts";

const USAGE = `usage: deno run -A scripts/pld_vs_rdp.ts [--results DIR] [--json]
  --results DIR   folder of the dp-sweep runs, rdp*/ and pld*/ (default
                  results/dp_training/pld_vs_rdp); writes DIR.{md,json,svg}
  --json          print the JSON as the last stdout line`;

const { values } = parseCli(USAGE, {
  options: {
    results: { type: "string", default: "results/dp_training/pld_vs_rdp" },
    json: { type: "boolean", default: false },
  },
});
const dir = values.results!.replace(/\/+$/, "");

/** The shipped heads' sampling rate and steps (from their cards), and the bounds' columns. */
const SETTINGS = {
  uci_digits: { card: "models/head/uci_digits.card.json", boundsColumns: 0 },
  breast_cancer: { card: "models/head/breast_cancer.card.json", boundsColumns: 30 },
} as const;

type Run = { quantized: number; float: number };
type Sweep = { points: { epsilon: number; noise_multiplier: number; runs: Run[] }[] };

/** Runs by epsilon (pooled over folders) and the calibrated sigma, for one accountant. */
async function pooled(accountant: Accountant, dataset: string) {
  const byEps = new Map<number, { sigma: number; runs: Run[] }>();
  for await (const e of Deno.readDir(dir)) {
    if (!e.isDirectory || !e.name.startsWith(accountant)) continue;
    const file = `${dir}/${e.name}/accuracy_vs_epsilon_${dataset}.json`;
    const sweep: Sweep | null = await Deno.readTextFile(file).then(JSON.parse, () => null);
    for (const p of sweep?.points ?? []) {
      const at = byEps.get(p.epsilon) ?? { sigma: p.noise_multiplier, runs: [] };
      at.runs.push(...p.runs);
      byEps.set(p.epsilon, at);
    }
  }
  return byEps;
}

/** Epsilon of the trainer's releases at `sigma` under `accountant`. */
function epsilonAt(
  accountant: Accountant,
  s: { sample_rate: number; steps: number },
  sigma: number,
  target: number,
  boundsColumns: number,
): number {
  const q = s.sample_rate, steps = s.steps;
  const b = new BudgetAccountant({
    epsilon: Infinity,
    delta: 1e-5,
    accountant,
    pldInterval: trainingPldInterval({ noiseMultiplier: sigma, sampleRate: q, steps }),
  });
  if (boundsColumns > 0) {
    b.spend(
      new GaussianMechanism({
        sensitivity: Math.sqrt(boundsColumns),
        noiseMultiplier: dpBoundsNoiseMultiplier(target),
      }).cost("dp bounds"),
    );
  }
  b.spend(
    subsampledGaussianCost({ label: "dp-sgd", sampleRate: q, noiseMultiplier: sigma, steps }),
  );
  return b.total().epsilon;
}

const r4 = (x: number) => Math.round(x * 1e4) / 1e4;
/** One row of the comparison. */
interface Row {
  dataset: string;
  target_epsilon: number;
  sigma_rdp: number;
  sigma_pld: number;
  sigma_change: number;
  pld_epsilon_at_rdp_sigma: number;
  quantized_rdp: number;
  quantized_pld: number;
  float_rdp: number;
  float_pld: number;
  runs: number;
  quantized_runs_rdp: number[];
  quantized_runs_pld: number[];
}
const rows: Row[] = [];
for (const [dataset, set] of Object.entries(SETTINGS)) {
  const card = JSON.parse(await Deno.readTextFile(set.card));
  const [rdp, pld] = [await pooled("rdp", dataset), await pooled("pld", dataset)];
  for (const [eps, r] of [...rdp].sort((a, b) => a[0] - b[0])) {
    const p = pld.get(eps);
    if (!p) continue;
    const acc = (x: { runs: Run[] }, k: keyof Run) => r4(median(x.runs.map((v) => v[k])));
    rows.push({
      dataset,
      target_epsilon: eps,
      sigma_rdp: r4(r.sigma),
      sigma_pld: r4(p.sigma),
      sigma_change: r4(p.sigma / r.sigma - 1),
      pld_epsilon_at_rdp_sigma: r4(epsilonAt("pld", card, r.sigma, eps, set.boundsColumns)),
      quantized_rdp: acc(r, "quantized"),
      quantized_pld: acc(p, "quantized"),
      float_rdp: acc(r, "float"),
      float_pld: acc(p, "float"),
      runs: Math.min(r.runs.length, p.runs.length),
      quantized_runs_rdp: r.runs.map((v) => r4(v.quantized)),
      quantized_runs_pld: p.runs.map((v) => r4(v.quantized)),
    });
  }
}
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const table = [
  "| data set | target eps | sigma RDP | sigma PLD | sigma change | PLD eps at RDP sigma | " +
  "quantized RDP | quantized PLD | float RDP | float PLD | runs |",
  "|---|---|---|---|---|---|---|---|---|---|---|",
  ...rows.map((r) =>
    `| ${r.dataset} | ${r.target_epsilon} | ${r.sigma_rdp.toFixed(3)} | ${
      r.sigma_pld.toFixed(3)
    } | ` +
    `${(100 * r.sigma_change).toFixed(1)}% | ${r.pld_epsilon_at_rdp_sigma.toFixed(3)} | ` +
    `${pct(r.quantized_rdp)} | ${pct(r.quantized_pld)} | ${pct(r.float_rdp)} | ` +
    `${pct(r.float_pld)} | ${r.runs} |`
  ),
];
console.error(table.join("\n"));
const doc = {
  what: "noise multiplier calibrated by each accountant over all phases (breast cancer: its DP " +
    "column bounds in the budget), the PLD epsilon at the RDP-calibrated sigma, and median test " +
    "accuracies over runs with fresh crypto noise (delta 1e-5, the shipped heads' settings)",
  command: "deno run -A scripts/pld_vs_rdp.ts --results " + dir,
  rows,
};
await Deno.writeTextFile(`${dir}.json`, JSON.stringify(doc, null, 2) + "\n");
const md = [
  "# PLD vs RDP accountant on the shipped heads' settings",
  "",
  `${doc.what[0].toUpperCase()}${doc.what.slice(1)}. Written by \`${doc.command}\` from the ` +
  "`deno task dp-sweep --accountant rdp|pld` runs in its folders (their commands: " +
  "`pld_vs_rdp/README.md`). One UCI test digit is 0.2 points, one breast-cancer case 0.9; the " +
  "runs of each cell are in the JSON.",
  "",
  ...table,
  "",
];
await Deno.writeTextFile(`${dir}.md`, md.join("\n"));
const series = rows.length === 0
  ? []
  : (["uci_digits", "breast_cancer"] as const).flatMap((d, i) =>
    (["rdp", "pld"] as const).map((a) => ({
      label: `${d} ${a.toUpperCase()}`,
      points: rows.filter((r) => r.dataset === d).map((r) =>
        [r.target_epsilon, 100 * r[`quantized_${a}`]] as [number, number]
      ),
      color: ["#1f77b4", "#d62728"][i],
      ...(a === "rdp" ? { dash: "6 4" } : {}),
      markers: true,
    }))
  );
await Deno.writeTextFile(
  `${dir}.svg`,
  lineChartSvg({
    title: "quantized test accuracy: RDP-calibrated (dashed) vs PLD-calibrated noise",
    xLabel: "target epsilon (log scale)",
    yLabel: "test accuracy (%)",
    logX: true,
    xTicks: [...new Set(rows.map((r) => r.target_epsilon))],
    series,
  }),
);
console.error(`wrote ${dir}.{md,json,svg}`);
if (values.json) console.log(JSON.stringify(doc));
