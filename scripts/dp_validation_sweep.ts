/**
 * `deno run -A scripts/dp_validation_sweep.ts '<json grid>' [uci-digits|breast-cancer]
 *  [extractor|raw] [--extractor PATH] [--seeded-noise]`
 *
 * The hyperparameter search behind the trainer's defaults, kept reproducible: the private
 * TRAINING split is cut (seeded) into 77% fit / 23% validation, and each grid point
 * (`{"eps": 3, "lr": 0.01, "batch": 64, "epochs": 60, "clip": 1, "hidden": [32],
 * "sparsity": 0.5, "levels": 8, "act": "relu"}`, any subset; no `eps` = no DP) is trained with
 * seeds 1, 2, 3. Prints the mean validation accuracy after float training, pruning and
 * quantization. The test split is never touched. Seeds 1, 2, 3 seed initialisation; sampling and
 * noise come from `crypto.getRandomValues` unless `--seeded-noise` (reproducible). Tuning on
 * private data is not covered by the privacy accounting (see docs/dp_training.md).
 *
 * @module
 */
import { initTf } from "../lib/tfjs/runtime.ts";
import {
  DATASETS,
  dpNoiseRandom,
  type FeatureSource,
  type IntegerExamples,
  loadPrivateFeatures,
  quantizedActivation,
  seededRandom,
  trainPrivateHead,
} from "../lib/dp-training/mod.ts";
import { oneOf } from "../lib/check/mod.ts";
import { parseCli, parseWith, UsageError } from "./cli/usage.ts";

const USAGE =
  `usage: deno run -A scripts/dp_validation_sweep.ts '<json grid>' [uci-digits|breast-cancer]
  [extractor|raw] [--extractor PATH] [--seeded-noise]
  <json grid>        array of grid points {"eps", "lr", "batch", "epochs", "clip", "hidden",
                     "sparsity", "levels", "act"} (any subset; default [{}])
  --extractor PATH   extractor model.json or folder (default models/extractor)
  --seeded-noise     reproducible sampling and noise (NOT private)`;

const { values, positionals } = parseCli(USAGE, {
  allowPositionals: true,
  options: {
    extractor: { type: "string" },
    "seeded-noise": { type: "boolean", default: false },
  },
});
const extractor = values.extractor, seededNoise = values["seeded-noise"];
const { grid, dataset, features } = parseWith(USAGE, () => ({
  grid: parseGrid(positionals[0] ?? "[{}]"),
  dataset: oneOf(positionals[1] ?? "uci-digits", DATASETS, "the data set"),
  features: oneOf<FeatureSource>(positionals[2] ?? "extractor", ["extractor", "raw"], "features"),
}), []);

/** The JSON grid argument. */
function parseGrid(json: string): Record<string, unknown>[] {
  try {
    return JSON.parse(json) as Record<string, unknown>[];
  } catch (e) {
    throw new UsageError(`<json grid>: expected a JSON array, received ${json} (${e})`);
  }
}
await initTf();
const f = await loadPrivateFeatures(dataset, features, { extractor });
const dim = f.input.shape.reduce((a, b) => a * b, 1);
const perm = Array.from({ length: f.train.count }, (_, i) => i);
const shuffle = seededRandom("val-split");
for (let i = perm.length - 1; i > 0; i--) {
  const j = Math.floor(shuffle.uniform() * (i + 1));
  [perm[i], perm[j]] = [perm[j], perm[i]];
}
const part = (a: number, b: number): IntegerExamples => {
  const idx = perm.slice(a, b);
  const x = new Int32Array(idx.length * dim);
  idx.forEach((i, k) => x.set(f.train.x.subarray(i * dim, (i + 1) * dim), k * dim));
  // Releases already made on the training split (DP column bounds) go with every part of it.
  const spent = f.train.spent ? { spent: f.train.spent } : {};
  return { x, y: Int32Array.from(idx, (i) => f.train.y[i]), count: idx.length, ...spent };
};
const cut = Math.round(f.train.count * 0.77);
const fit = part(0, cut), validation = part(cut, f.train.count);
console.error(`${dataset} (${features}): fit ${fit.count}, validation ${validation.count}`);
for (const g of grid) {
  const act = quantizedActivation((g.act as "relu") ?? "relu");
  const accs = [1, 2, 3].map((seed) =>
    trainPrivateHead({
      train: fit,
      test: validation,
      input: f.input,
      classes: f.classes,
      name: "sweep",
      hidden: (g.hidden as number[]) ?? [32],
      activation: act,
      privacy: g.eps ? { targetEpsilon: g.eps as number, delta: 1e-5 } : null,
      epochs: (g.epochs as number) ?? 60,
      batchSize: (g.batch as number) ?? 64,
      clipNorm: (g.clip as number) ?? 1,
      learningRate: (g.lr as number) ?? 0.01,
      sparsity: (g.sparsity as number) ?? 0.5,
      exponentLevels: g.levels as number | undefined,
      random: seededRandom(seed),
      noiseRandom: dpNoiseRandom({ seededNoise, seed: String(seed) }),
    }).testAccuracy
  );
  const mean = (k: "float" | "pruned" | "quantized") =>
    (accs.reduce((s, a) => s + a[k], 0) / accs.length).toFixed(3);
  console.log(
    `${JSON.stringify(g)}  float ${mean("float")}  pruned ${mean("pruned")}  quantized ${
      mean("quantized")
    }`,
  );
}
