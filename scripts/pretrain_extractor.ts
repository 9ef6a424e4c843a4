/**
 * Pretrains the public feature extractor on PUBLIC MNIST reduced to the UCI 8 x 8 format, and
 * writes it (tfjs LayersModel: `model.json` + `weights.bin`) to `models/extractor/`.
 *
 * The network: 8 x 8 x 1 input (UCI block counts times 1/16) -> conv 3x3 (c) -> conv 3x3 (c) ->
 * max-pool 2 -> conv 3x3 (2c) -> max-pool 2 -> flatten -> dense (features, ReLU6: every feature
 * in [0, 6]) -> dense 10 softmax. Every epoch draws fresh augmented reductions of the 60,000
 * training digits (rotation, shear, aspect, size, shift, stroke thickness). Everything is seeded:
 * the reductions, the batch order, and tfjs's own initialisers (through a seeded `Math.random`).
 *
 * The quantization of the features (`InputSpec`) is derived from the features of 10,000 PUBLIC
 * MNIST training digits only and stored in the model's metadata.
 *
 * Usage:
 *   deno run --allow-all scripts/pretrain_extractor.ts [--epochs 12] [--features 48]
 *     [--channels 32] [--seed fcn-extractor-v1] [--bits 4] [--train-count 60000]
 *     [--out models/extractor] [--json]
 *
 * Progress and a table go to stderr; with `--json` one JSON object is the last line of stdout.
 *
 * @module
 */
// @deno-types="@types/seedrandom"
import seedrandom from "seedrandom";
import { initTf } from "../lib/tfjs/runtime.ts";
import { loadMnist, subset } from "../lib/datasets/mod.ts";
import {
  DEFAULT_AUGMENTATION,
  deriveQuantization,
  EXTRACTOR_FORMAT,
  type ExtractorMetadata,
  ExtractorNet,
  loadExtractor,
  PRETRAIN_FEATURE_LAYER as FEATURE_LAYER,
  PRETRAIN_INPUT_SCALE as INPUT_SCALE,
  reduceToUci8x8,
} from "../lib/feature-extractor/mod.ts";
import { parseCli, usageExit } from "./cli/usage.ts";

const USAGE =
  `usage: deno task pretrain-extractor [--epochs N] [--features F] [--channels C] [--seed S]
  [--bits B] [--train-count N] [--batch B] [--lr R] [--out DIR] [--json]
  --epochs N        epochs over the augmented MNIST reductions (default 12)
  --features F      feature width (default 48)
  --channels C      channels of the first convolutions (default 32)
  --seed S          seed of everything (default fcn-extractor-v1)
  --bits B          bits of the quantized features (default 4)
  --train-count N   MNIST training digits used (default 60000)
  --batch B         batch size (default 128)
  --lr R            Adam learning rate (default 0.002)
  --out DIR         output folder (default models/extractor)
  --json            print one JSON object as the last stdout line`;

const { values: args } = parseCli(USAGE, {
  options: {
    epochs: { type: "string", default: "12" },
    features: { type: "string", default: "48" },
    channels: { type: "string", default: "32" },
    seed: { type: "string", default: "fcn-extractor-v1" },
    bits: { type: "string", default: "4" },
    "train-count": { type: "string", default: "60000" },
    batch: { type: "string", default: "128" },
    lr: { type: "string", default: "0.002" },
    out: { type: "string", default: "models/extractor" },
    json: { type: "boolean", default: false },
  },
});
const epochs = Number(args.epochs);
const featureDim = Number(args.features);
const channels = Number(args.channels);
const batchSize = Number(args.batch);
const baseLr = Number(args.lr);
const bits = Number(args.bits);
const seed = args.seed!;

// tfjs draws initial weights and dropout masks from Math.random: seed it for reproducibility.
seedrandom(`${seed}/tfjs`, { global: true });
const backend = await initTf();
const log = (s: string) => console.error(s);
log(`backend ${backend}; loading MNIST`);

const mnistTrain = await loadMnist("train");
const trainCount = Number(args["train-count"]);
if (!Number.isInteger(trainCount) || trainCount < batchSize || trainCount > mnistTrain.count) {
  usageExit(
    USAGE,
    `--train-count: expected an integer in [${batchSize}, ${mnistTrain.count}], received ` +
      args["train-count"],
  );
}
// The first `trainCount` training digits (all 60,000 by default; fewer for quick checks).
const train = subset(mnistTrain, Array.from({ length: trainCount }, (_, i) => i), "mnist/train");
const test = await loadMnist("test");
const t0 = performance.now();
const testX = reduceToUci8x8(test.x, test.count);
const testAugX = reduceToUci8x8(test.x, test.count, {
  augmentation: DEFAULT_AUGMENTATION,
  random: seedrandom(`${seed}/test-augmented`),
});
log(`reduced the test split to 8x8 in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

const net = new ExtractorNet({ channels, featureDim });
const params = net.parameters;
log(`model: ${params} parameters, ${featureDim} features, ${epochs} epochs of ${train.count}`);

const trainStart = performance.now();
const history = await net.pretrain(train, {
  epochs,
  batchSize,
  learningRate: baseLr,
  seed,
  evaluate: () => net.accuracy(testX, test.y, test.count),
  log,
  progress: (text) => Deno.stderr.writeSync(new TextEncoder().encode(text)),
});
const trainSeconds = (performance.now() - trainStart) / 1000;

const testAccuracy = net.accuracy(testX, test.y, test.count);
const testAugAccuracy = net.accuracy(testAugX, test.y, test.count);

// The quantization spec, from the features of PUBLIC training digits (plain reduction) only.
const publicCount = 10_000;
const publicX = reduceToUci8x8(mnistTrain.x.subarray(0, publicCount * 784), publicCount);
const publicFeatures = net.features(publicX, publicCount);
const quantization = deriveQuantization(publicFeatures, featureDim, { bits, coverage: 0.999 });
let maxFeature = 0, zeros = 0;
for (const v of publicFeatures) {
  if (v > maxFeature) maxFeature = v;
  if (v === 0) zeros++;
}

const metadata: ExtractorMetadata = {
  format: EXTRACTOR_FORMAT,
  version: 1,
  name: "mnist-uci8x8-cnn",
  feature_layer: FEATURE_LAYER,
  input: {
    shape: [8, 8, 1],
    scale: INPUT_SCALE,
    units: "UCI optical digits: 8x8 counts (0..16) of ink pixels in 4x4 blocks of a 32x32 bitmap",
  },
  quantization,
  feature_bounds: [0, 6],
  training: {
    data: train.count === mnistTrain.count
      ? "MNIST train (60000, public), reduced to the UCI 8x8 format with fresh augmentation " +
        "every epoch"
      : `MNIST train (first ${train.count} of 60000, public), reduced to the UCI 8x8 format ` +
        "with fresh augmentation every epoch",
    augmentation: { ...DEFAULT_AUGMENTATION },
    script: "scripts/pretrain_extractor.ts",
    seed,
    epochs,
    batch_size: batchSize,
    learning_rate: baseLr,
    parameters: params,
    backend,
    quantization_source: `features of the first ${publicCount} MNIST training digits, ` +
      "plain reduction, 99.9% coverage",
    mnist8x8_test_accuracy: testAccuracy,
    mnist8x8_augmented_test_accuracy: testAugAccuracy,
  },
};
await net.save(args.out!, metadata);

// Reload through the public loader: this is the check that what was written is usable.
const extractor = await loadExtractor(`${args.out}/model.json`);
const sizes = {
  model_json: (await Deno.stat(`${args.out}/model.json`)).size,
  weights_bin: (await Deno.stat(`${args.out}/weights.bin`)).size,
};
extractor.dispose();

const summary = {
  script: "pretrain_extractor",
  backend,
  id: extractor.id,
  parameters: params,
  feature_dim: featureDim,
  epochs,
  seed,
  train_seconds: Math.round(trainSeconds),
  mnist8x8_test_accuracy: testAccuracy,
  mnist8x8_augmented_test_accuracy: testAugAccuracy,
  quantization,
  public_feature_max: maxFeature,
  public_feature_zero_fraction: zeros / publicFeatures.length,
  bytes: sizes,
  history,
};
log("");
log("| quantity | value |");
log("|---|---|");
log(`| extractor id | ${extractor.id} |`);
log(
  `| parameters | ${params} (${sizes.weights_bin} B weights, ${sizes.model_json} B model.json) |`,
);
log(`| MNIST-8x8 test accuracy (plain reduction) | ${(100 * testAccuracy).toFixed(2)}% |`);
log(`| MNIST-8x8 test accuracy (augmented) | ${(100 * testAugAccuracy).toFixed(2)}% |`);
log(
  `| features | ${featureDim}, ReLU6, ${(100 * zeros / publicFeatures.length).toFixed(1)}% zeros |`,
);
log(`| quantization | ${JSON.stringify(quantization)} |`);
log(`| training time | ${trainSeconds.toFixed(0)} s (${backend}) |`);
if (args.json) console.log(JSON.stringify(summary));
