/**
 * `deno task fashion-mnist --data DIR [--dim 64] [--bits 6] [--epsilons 1,3,8] [--runs 3]
 *  [--train-per-class N] [--validate] [--encrypted 20] [--results results/fashion_mnist] [--json]`
 *
 * The second real private image task of issue 14 on the folder `deno task export:fashion-mnist`
 * wrote: ScatterNet features (public, data-free) of every PNG, a PCA fitted on the public MNIST
 * digits of `DIR/public-mnist` down to `--dim`, a quantization scale from the same public digits,
 * then a non-private head and DP heads at each epsilon (median of `--runs`, noise from
 * crypto.getRandomValues), measured on the private test split as exported integer heads. A sample
 * of the test split goes through every plan the function would serve for the epsilon-3 head,
 * on real SEAL ciphertexts, and is compared with the integer head. Writes `results.json`,
 * `results.md`, `accuracy_vs_epsilon.svg` and the epsilon-3 head to `--results`.
 * `--validate` holds out the last 10% of the training folder as the test split (for choosing
 * settings without looking at the test split).
 *
 * @module
 */
import { initTf } from "../lib/tfjs/runtime.ts";
import { formatTable, ProgressBar } from "../lib/report/mod.ts";
import {
  accuracyChart,
  encryptedCheck,
  encryptedTable,
  type EpsilonRow,
  holdOut,
  loadFeatures,
  prepareFashion,
  resultsTable,
  runEpsilons,
  saveFeatures,
} from "../experiments/fashion/mod.ts";
import type { QuantizedModel } from "../lib/model/mod.ts";
import { parseCli, usageExit } from "./cli/usage.ts";
import { settingsOf, USAGE } from "./cli/fashion_options.ts";

const { values: v } = parseCli(USAGE, {
  options: {
    data: { type: "string" },
    dim: { type: "string", default: "64" },
    bits: { type: "string", default: "6" },
    epsilons: { type: "string", default: "1,3,8" },
    runs: { type: "string", default: "3" },
    "train-per-class": { type: "string" },
    validate: { type: "boolean", default: false },
    encrypted: { type: "string", default: "20" },
    epochs: { type: "string", default: "20" },
    "batch-size": { type: "string", default: "1024" },
    "clip-norm": { type: "string", default: "1" },
    "learning-rate": { type: "string", default: "0.01" },
    hidden: { type: "string", default: "0" },
    sparsity: { type: "string", default: "0" },
    results: { type: "string", default: "results/fashion_mnist" },
    cache: { type: "string" },
    json: { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});
if (v.data === undefined) {
  usageExit(USAGE, "--data: expected the exported folder, received nothing");
}
const o = settingsOf(v);
const log = (s: string) => console.error(s);
await initTf();
const bar = new ProgressBar(1, "extract", !v.json);
let features = (v.cache ? await loadFeatures(v.cache) : null) ?? await prepareFashion({
  data: v.data,
  dim: o.dim,
  bits: o.bits,
  trainPerClass: o.trainPerClass,
  onProgress: (done, total, phase) => {
    bar.total = total;
    bar.update(done, phase);
  },
});
bar.done();
if (v.cache) await saveFeatures(v.cache, features);
if (v.validate) features = holdOut(features);
log(
  `features: ${features.train.count} train / ${features.test.count} test, ${o.dim} inputs in ` +
    `[${features.input.min}, ${features.input.max}] at 2^-${features.input.scale_log2}; ` +
    `extraction ${features.imagesPerSecond.toFixed(0)} images/s, PCA ${
      features.pcaSeconds.toFixed(1)
    } s, decode ${features.decodeSeconds.toFixed(1)} s`,
);
const saved: { eps: number | null; model: QuantizedModel; acc: number }[] = [];
const rows: EpsilonRow[] = runEpsilons(
  features,
  [null, ...o.epsilons],
  o.runs,
  o.head,
  (eps, run, model, acc) => {
    log(`eps ${eps ?? "inf"} run ${run + 1}: integer head ${(acc * 100).toFixed(2)}%`);
    saved.push({ eps, model, acc });
  },
);
log(formatTable([
  ["epsilon", "sigma", "median %", "runs %"],
  ...rows.map((r) => [
    r.epsilon === null ? "non-private" : String(r.epsilon),
    r.noiseMultiplier,
    r.median * 100,
    r.accuracies.map((a) => (a * 100).toFixed(1)).join(" "),
  ]),
]));
const middle = rows.find((r) => r.epsilon === 3) ?? rows[rows.length - 1];
const pick = saved.filter((s) => s.eps === middle.epsilon)
  .sort((a, b) => Math.abs(a.acc - middle.median) - Math.abs(b.acc - middle.median))[0];
const checks = o.encrypted > 0
  ? await encryptedCheck(pick.model, features.test.x, features.test.y, o.encrypted)
  : [];
for (const c of checks) log(JSON.stringify(c));
const report = {
  data: v.data,
  split: v.validate ? "validation (last 10% of train)" : "official test split",
  train: features.train.count,
  test: features.test.count,
  extractor: features.block.extractor,
  reduction: { kind: "pca", dim: o.dim, source: features.block.reduction?.source },
  input: features.input,
  public_images: features.publicImages,
  images_per_second: features.imagesPerSecond,
  settings: o,
  rows,
  encrypted: { epsilon: middle.epsilon, model_accuracy: pick.acc, checks },
  command: ["deno task fashion-mnist", ...Deno.args].join(" "),
  machine_load: Deno.loadavg(),
};
await Deno.mkdir(v.results, { recursive: true });
await Deno.writeTextFile(`${v.results}/results.json`, JSON.stringify(report, null, 2) + "\n");
await Deno.writeTextFile(
  `${v.results}/results.md`,
  `# Fashion-MNIST: ScatterNet + public PCA (${o.dim}) + DP head\n\n` +
    `Command: \`${report.command}\` (${report.split}, ${report.train} training / ${report.test} ` +
    `test images).\n\n${
      resultsTable(rows)
    }\n\nEncrypted check (epsilon ${middle.epsilon} head; ${o.encrypted} test images spread ` +
    `over the split through batched plans, 20 through one-query plans):\n\n${
      encryptedTable(checks)
    }\n\nExtraction: ` +
    `${
      features.imagesPerSecond.toFixed(0)
    } images/s (preprocess + ScatterNet + PCA, tfjs wasm; load ` +
    `average ${Deno.loadavg()[0].toFixed(1)} at the end of this run, 2 cores).\n`,
);
await Deno.writeTextFile(
  `${v.results}/accuracy_vs_epsilon.svg`,
  accuracyChart(rows, `Fashion-MNIST: ScatterNet + PCA ${o.dim} + DP head (${report.split})`),
);
await Deno.writeTextFile(
  `${v.results}/head_eps${middle.epsilon ?? "inf"}.json`,
  JSON.stringify(pick.model) + "\n",
);
if (v.json) console.log(JSON.stringify(report));
