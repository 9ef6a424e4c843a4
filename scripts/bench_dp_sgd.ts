/**
 * `deno run -A scripts/bench_dp_sgd.ts [--features raw|extractor] [--hidden 32] [--batch-size 64]
 *  [--repeats 5] [--seeded-noise] [--json]` (also `deno task bench:dp-sgd`)
 *
 * DP-SGD epoch time against ordinary (non-private) training of the same head on the same data,
 * in the same run, alternating so both see the same machine state: median milliseconds per
 * epoch over `--repeats` epochs each, and their ratio (target at most 3x). For reference it also
 * times one epoch of naive per-example gradients (one backward pass per example, the loop the
 * zero-perturbation trick avoids). Sampling and noise come from `crypto.getRandomValues` with the
 * summed Gaussian sampler, as in `deno task train` (`--seeded-noise`: from `seedrandom`); the
 * cost of drawing an epoch's noise alone is timed for both sources. A human
 * table goes to stderr; with `--json` one JSON object is the last line of stdout.
 *
 * @module
 */
import { initTf } from "../lib/tfjs/runtime.ts";
import { formatTable, median } from "../lib/report/mod.ts";
import { dequantizeFeatures } from "../lib/model/mod.ts";
import {
  adam,
  createHead,
  GaussianMechanism,
  type Head,
  loadPrivateFeatures,
  meanGradient,
  poissonSample,
  quantizedActivation,
  type RandomSource,
  secureRandom,
  seededRandom,
  toTensorBatch,
  type TrainingSet,
  trainSteps,
} from "../lib/dp-training/mod.ts";
import { parseCli, usageExit } from "./cli/usage.ts";

const USAGE =
  `usage: deno task bench:dp-sgd [--features raw|extractor] [--hidden N] [--batch-size B]
  [--repeats R] [--seeded-noise] [--json]
  --features raw|extractor     head inputs (default raw)
  --hidden N                   hidden width (default 32)
  --batch-size B               expected (Poisson) batch size (default 64)
  --repeats R                  epochs timed per variant (default 5)
  --seeded-noise               sampling and noise from seedrandom (default crypto.getRandomValues)
  --json                       print one JSON object as the last stdout line`;

const { values: args } = parseCli(USAGE, {
  options: {
    features: { type: "string", default: "raw" },
    hidden: { type: "string", default: "32" },
    "batch-size": { type: "string", default: "64" },
    repeats: { type: "string", default: "5" },
    "seeded-noise": { type: "boolean", default: false },
    json: { type: "boolean", default: false },
  },
});
const repeats = Number(args.repeats),
  hidden = Number(args.hidden),
  batch = Number(args["batch-size"]);
for (
  const [name, v] of [["repeats", repeats], ["hidden", hidden], ["batch-size", batch]] as const
) {
  if (!Number.isInteger(v) || v < 1) {
    usageExit(USAGE, `--${name}: expected a positive integer, received ${v}`);
  }
}
if (args.features !== "raw" && args.features !== "extractor") {
  usageExit(USAGE, `--features: expected raw or extractor, received ${args.features}`);
}
const log = (s: string) => console.error(s);
/** Sampling and noise randomness of a timed epoch. */
const noiseRandom = (seed: number): RandomSource =>
  args["seeded-noise"] ? seededRandom(`${seed}/dp-sgd`) : secureRandom();

const backend = await initTf();
const data = await loadPrivateFeatures("uci-digits", args.features);
const dim = data.input.shape.reduce((a, b) => a * b, 1);
const train: TrainingSet = {
  x: dequantizeFeatures(data.train.x, data.input),
  y: data.train.y,
  count: data.train.count,
  dim,
  classes: data.classes.length,
};
const q = batch / train.count;
const steps = Math.round(1 / q);
const act = quantizedActivation("relu");
const newHead = (): Head =>
  createHead({
    inputDim: dim,
    hidden: [hidden],
    classes: train.classes,
    activation: act.coefficients,
    random: seededRandom(1),
  });

function epoch(privacy: boolean, seed: number): number {
  const head = newHead();
  const t0 = performance.now();
  trainSteps(head, train, {
    steps,
    sampleRate: q,
    optimizer: adam({ learningRate: 0.01 }),
    random: noiseRandom(seed),
    privacy: privacy ? { clipNorm: 1, noiseMultiplier: 1.1 } : null,
  });
  return performance.now() - t0;
}

/** One epoch of DP-SGD with per-example gradients from one backward pass per example. */
function naiveEpoch(seed: number): number {
  const head = newHead();
  const random = noiseRandom(seed);
  const noise = new GaussianMechanism({ sensitivity: 1, noiseMultiplier: 1.1, random });
  const opt = adam({ learningRate: 0.01 });
  const t0 = performance.now();
  for (let s = 0; s < steps; s++) {
    const idx = poissonSample(train.count, q, random);
    const sum = new Float32Array(head.params.length);
    for (const i of idx) {
      const b = toTensorBatch(
        train.x.slice(i * dim, (i + 1) * dim),
        [train.y[i]],
        1,
        train.classes,
      );
      const { grad } = meanGradient(head, b);
      b.x.dispose();
      b.yOneHot.dispose();
      let n = 0;
      for (const g of grad) n += g * g;
      const c = Math.min(1, 1 / (Math.sqrt(n) + 1e-6));
      for (let k = 0; k < sum.length; k++) sum[k] += c * grad[k];
    }
    noise.randomiseInPlace(sum);
    for (let k = 0; k < sum.length; k++) sum[k] /= q * train.count;
    opt.step(head.params, sum, head.trainable);
  }
  return performance.now() - t0;
}

epoch(false, 0); // warm-up (kernel compilation, allocations)
epoch(true, 0);
const plain: number[] = [], dp: number[] = [];
for (let r = 0; r < repeats; r++) {
  plain.push(epoch(false, r + 1));
  dp.push(epoch(true, r + 1));
}
const naive = naiveEpoch(1);

/** Milliseconds to draw one epoch of DP noise (`steps` vectors of the head's size), median. */
function noiseEpochMs(random: RandomSource): number {
  const v = new Float32Array(newHead().params.length);
  for (let s = 0; s < steps; s++) random.addNormalNoise(v, 1); // warm-up
  const times: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    for (let s = 0; s < steps; s++) random.addNormalNoise(v, 1);
    times.push(performance.now() - t0);
  }
  return median(times);
}
const noiseSecure = noiseEpochMs(secureRandom()), noiseSeeded = noiseEpochMs(seededRandom(1));
const mPlain = median(plain), mDp = median(dp);
const result = {
  backend,
  features: args.features,
  noise_source: args["seeded-noise"] ? "seeded" : "crypto",
  examples: train.count,
  input_dim: dim,
  hidden,
  expected_batch_size: batch,
  steps_per_epoch: steps,
  repeats,
  ordinary_ms_per_epoch: mPlain,
  dp_sgd_ms_per_epoch: mDp,
  ratio: mDp / mPlain,
  naive_per_example_dp_sgd_ms_per_epoch: naive,
  naive_ratio: naive / mPlain,
  noise_only_ms_per_epoch: { crypto_summed: noiseSecure, seeded_box_muller: noiseSeeded },
};
log(
  formatTable([
    ["training (one epoch)", "median ms", "x ordinary"],
    ["ordinary (mean gradient)", mPlain, 1],
    ["DP-SGD (zero-perturbation per-example grads)", mDp, mDp / mPlain],
    ["DP-SGD, naive per-example loop (1 run)", naive, naive / mPlain],
    ["noise only: crypto, 4 summed variates", noiseSecure, noiseSecure / mPlain],
    ["noise only: seeded, 1 variate", noiseSeeded, noiseSeeded / mPlain],
  ]),
);
log(
  `uci-digits ${args.features} features: ${train.count} examples, ${dim} -> ${hidden} -> ` +
    `${train.classes}, expected batch ${batch}, ${steps} steps/epoch, ${repeats} repeats, ${backend}, ` +
    `noise ${result.noise_source}`,
);
if (args.json) console.log(JSON.stringify(result));
