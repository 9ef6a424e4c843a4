/**
 * `deno run -A scripts/dp_accuracy_sweep.ts [--epsilons 0.5,1,2,3,5,8,inf] [--seeds 1,2,3]
 *  [--results results/dp_training] [train options...] [--json]` (also `deno task dp-sweep`)
 *
 * Accuracy against privacy: trains the head at each target epsilon (delta from the train options,
 * default 1e-5) once per seed, with every other option as `deno task train` takes it, and reports
 * the median test accuracy on the private test split after float training, pruning and
 * quantization (exact integer inference of the exported model). The seeds seed initialisation;
 * sampling and noise come from `crypto.getRandomValues`, fresh for every run, so the figures vary
 * from run to run (`--seeded-noise` makes them reproducible, as for `deno task train`). Writes
 * `<results>/accuracy_vs_epsilon_<dataset>.{json,md,svg}`; the table goes to stderr and, with
 * `--json`, one JSON object is the last stdout line. Models are not written.
 *
 * @module
 */
import { initTf } from "../lib/tfjs/runtime.ts";
import { lineChartSvg, median, ProgressBar } from "../lib/report/mod.ts";
import {
  dpBoundsNoiseMultiplier,
  dpNoiseRandom,
  loadPrivateFeatures,
  quantizedActivation,
  seededRandom,
  trainPrivateHead,
} from "../lib/dp-training/mod.ts";
import { parseTrainArgs, TRAIN_USAGE } from "./cli/train_options.ts";
import { parseWith, UsageError } from "./cli/usage.ts";

const USAGE = `usage: deno task dp-sweep [--epsilons E,E,...] [--seeds S,S,...] [--results DIR]
  [train options...]
  --epsilons E,E,...                   target epsilons, inf = no DP (default 0.5,1,2,3,5,8,inf)
  --seeds S,S,...                      initialisation seeds (default 1,2,3)
  --results DIR                        output folder (default results/dp_training)
and every option of ${TRAIN_USAGE.replace("usage: ", "")}`;

/** Removes `--name value` from `args` and returns the value (or `fallback`). */
function take(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = args[i + 1];
  if (v === undefined) throw new UsageError(`--${name}: expected a value, received none`);
  args.splice(i, 2);
  return v;
}

const { epsilons, seeds, resultsDir, base } = parseWith(USAGE, (args) => ({
  epsilons: take(args, "epsilons", "0.5,1,2,3,5,8,inf").split(",").map((s) => {
    const e = s.trim() === "inf" ? Infinity : Number(s);
    if (!(e > 0)) throw new UsageError(`--epsilons: expected numbers > 0 or inf, received ${s}`);
    return e;
  }),
  seeds: take(args, "seeds", "1,2,3").split(","),
  resultsDir: take(args, "results", "results/dp_training"),
  base: parseTrainArgs(args),
}));
await initTf();
/** The features for a target epsilon (tabular data: DP bounds with that epsilon's noise). */
const load = (eps: number) =>
  loadPrivateFeatures(base.dataset, base.features, {
    extractor: base.extractor,
    boundsNoiseMultiplier: dpBoundsNoiseMultiplier(eps === Infinity ? null : eps),
  });
const tabular = base.dataset === "breast-cancer", images = tabular ? null : await load(3);
const act = quantizedActivation(base.activation, base.activationDegree);

interface Point {
  epsilon: number | null;
  noise_multiplier: number;
  float: number;
  pruned: number;
  quantized: number;
  runs: { seed: string; float: number; pruned: number; quantized: number }[];
}
const points: Point[] = [];
const bar = new ProgressBar(epsilons.length * seeds.length, `sweep ${base.dataset}`, !base.quiet);
let done = 0, testCount = 0;
for (const eps of epsilons) {
  const data = images ?? await load(eps);
  testCount = data.test.count;
  const runs: Point["runs"] = [];
  let sigma = 0;
  for (const seed of seeds) {
    const r = trainPrivateHead({
      ...data,
      name: "sweep",
      hidden: base.hidden,
      activation: { kind: act.kind, coefficients: act.coefficients },
      privacy: eps === Infinity ? null : {
        targetEpsilon: eps,
        delta: base.delta,
        conversion: base.conversion,
        accountant: base.accountant,
      },
      epochs: base.epochs,
      batchSize: base.batchSize,
      clipNorm: base.clipNorm,
      learningRate: base.learningRate,
      sparsity: base.sparsity,
      exponentLevels: base.exponentLevels,
      random: seededRandom(seed),
      noiseRandom: dpNoiseRandom({ seededNoise: base.seededNoise, seed }),
    });
    sigma = r.noiseMultiplier;
    runs.push({ seed, ...r.testAccuracy });
    bar.update(++done, `eps ${eps}`);
  }
  points.push({
    epsilon: eps === Infinity ? null : eps,
    noise_multiplier: sigma,
    float: median(runs.map((r) => r.float)),
    pruned: median(runs.map((r) => r.pruned)),
    quantized: median(runs.map((r) => r.quantized)),
    runs,
  });
}
bar.done();

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const noiseSource = base.seededNoise ? "seeded" : "crypto";
const md = [
  `# Test accuracy against epsilon: ${base.dataset} (${base.features} features)`,
  "",
  `Median over ${seeds.length} runs (initialisation seeds ${seeds.join(", ")}; sampling and ` +
  (base.seededNoise
    ? "noise seeded from the same seeds, --seeded-noise, reproducible) "
    : "noise fresh from crypto.getRandomValues, so another run gives other figures) ") +
  `on the private test split (${testCount} examples); ` +
  `delta ${base.delta}, ${base.accountant.toUpperCase()} accountant (${base.conversion} RDP ` +
  `conversion)${tabular ? ", DP column bounds charged to each run's budget" : ""}, ` +
  `${base.epochs} epochs over all phases, ` +
  `expected batch ${base.batchSize}, C = ${base.clipNorm}, hidden [${base.hidden}], ${act.kind}, ` +
  `sparsity ${base.sparsity}. "quantized" is exact integer inference of the exported model.`,
  "",
  "| epsilon | sigma | float | pruned | quantized |",
  "|---|---|---|---|---|",
  ...points.map((p) =>
    `| ${p.epsilon ?? "inf (no DP)"} | ${p.noise_multiplier.toFixed(3)} | ${pct(p.float)} | ${
      pct(p.pruned)
    } | ${pct(p.quantized)} |`
  ),
  "",
];
const finite = points.filter((p) => p.epsilon !== null);
const noDp = points.find((p) => p.epsilon === null);
const xMax = Math.max(...finite.map((p) => p.epsilon!));
const series = (["float", "pruned", "quantized"] as const).map((k, i) => ({
  label: k === "quantized" ? "quantized (integer)" : k,
  color: ["#1f77b4", "#2ca02c", "#d62728"][i],
  markers: true,
  points: finite.map((p): [number, number] => [p.epsilon!, 100 * p[k]]),
}));
if (noDp) {
  series.push(
    {
      label: `no DP (${pct(noDp.quantized)})`,
      color: "#7f7f7f",
      markers: false,
      points: [[finite[0]?.epsilon ?? 0.1, 100 * noDp.quantized], [xMax, 100 * noDp.quantized]],
      dash: "5 4",
    } as typeof series[number],
  );
}
const allY = series.flatMap((s) => s.points.map((p) => p[1]));
const svg = lineChartSvg({
  title: `${base.dataset}: test accuracy vs epsilon (delta ${base.delta})`,
  xLabel: "epsilon (log scale)",
  yLabel: "test accuracy (%)",
  logX: true,
  xTicks: finite.map((p) => p.epsilon!),
  series,
  yRange: [Math.floor(Math.min(...allY) / 5) * 5, 100],
});
await Deno.mkdir(resultsDir, { recursive: true });
const stem = `${resultsDir}/accuracy_vs_epsilon_${base.dataset.replace("-", "_")}`;
const report = {
  dataset: base.dataset,
  features: base.features,
  delta: base.delta,
  noise_source: noiseSource,
  seeds,
  points,
};
await Deno.writeTextFile(`${stem}.json`, JSON.stringify(report, null, 2) + "\n");
await Deno.writeTextFile(`${stem}.md`, md.join("\n"));
await Deno.writeTextFile(`${stem}.svg`, svg);
console.error(md.join("\n"));
console.error(`wrote ${stem}.{json,md,svg}`);
if (base.json) console.log(JSON.stringify(report));
