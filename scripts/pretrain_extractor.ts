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
import { initTf, tf } from "../lib/tfjs/runtime.ts";
import { loadMnist, subset } from "../lib/datasets/mod.ts";
import {
  DEFAULT_AUGMENTATION,
  deriveQuantization,
  EXTRACTOR_FORMAT,
  type ExtractorMetadata,
  fileSaveHandler,
  loadExtractor,
  reduceToUci8x8,
} from "../lib/feature-extractor/mod.ts";
import { parseCli } from "./cli/usage.ts";

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
const FEATURE_LAYER = "features";
const INPUT_SCALE = 1 / 16;

// tfjs draws initial weights and dropout masks from Math.random: seed it for reproducibility.
seedrandom(`${seed}/tfjs`, { global: true });
const backend = await initTf();
const log = (s: string) => console.error(s);
log(`backend ${backend}; loading MNIST`);

const mnistTrain = await loadMnist("train");
const trainCount = Number(args["train-count"]);
if (!Number.isInteger(trainCount) || trainCount < batchSize || trainCount > mnistTrain.count) {
  throw new RangeError(
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

function buildModel(): tf.Sequential {
  const model = tf.sequential({ name: "mnist_uci8x8_cnn" });
  model.add(tf.layers.conv2d({
    inputShape: [8, 8, 1],
    filters: channels,
    kernelSize: 3,
    padding: "same",
    activation: "relu",
    name: "conv1",
  }));
  model.add(tf.layers.conv2d({
    filters: channels,
    kernelSize: 3,
    padding: "same",
    activation: "relu",
    name: "conv2",
  }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2, name: "pool1" }));
  model.add(tf.layers.conv2d({
    filters: 2 * channels,
    kernelSize: 3,
    padding: "same",
    activation: "relu",
    name: "conv3",
  }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2, name: "pool2" }));
  model.add(tf.layers.flatten({ name: "flatten" }));
  model.add(tf.layers.dropout({ rate: 0.25, name: "dropout1" }));
  model.add(tf.layers.dense({ units: featureDim, activation: "relu6", name: FEATURE_LAYER }));
  model.add(tf.layers.dropout({ rate: 0.25, name: "dropout2" }));
  model.add(tf.layers.dense({ units: 10, activation: "softmax", name: "mnist_classes" }));
  return model;
}

const model = buildModel();
const params = model.countParams();
log(`model: ${params} parameters, ${featureDim} features, ${epochs} epochs of ${train.count}`);

// tfjs's wasm backend has no Conv2DBackpropFilter kernel, so training runs the same network
// functionally with each 3x3 "same" convolution written as patches (pad + 9 slices + concat)
// times the kernel reshaped to [9 * in, out]: the same arithmetic as conv2d, made of kernels
// whose gradients wasm has. It trains the model's own variables; inference and the saved
// model use the ordinary conv2d layers (the test accuracy below is measured through them).
const layerWeights = (name: string) =>
  model.getLayer(name).getWeights() as [tf.Variable, tf.Variable];
const [c1k, c1b] = layerWeights("conv1");
const [c2k, c2b] = layerWeights("conv2");
const [c3k, c3b] = layerWeights("conv3");
const [fk, fb] = layerWeights(FEATURE_LAYER);
const [ok, ob] = layerWeights("mnist_classes");
const variables = [c1k, c1b, c2k, c2b, c3k, c3b, fk, fb, ok, ob];

function conv3x3Same(x: tf.Tensor4D, kernel: tf.Tensor, bias: tf.Tensor): tf.Tensor4D {
  const [b, h, w, cin] = x.shape;
  const cout = kernel.shape[3]!;
  const padded = tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]]);
  const patches: tf.Tensor[] = [];
  for (let dy = 0; dy < 3; dy++) {
    for (let dx = 0; dx < 3; dx++) patches.push(tf.slice(padded, [0, dy, dx, 0], [b, h, w, cin]));
  }
  const cols = tf.concat(patches, 3).reshape([b * h * w, 9 * cin]);
  return tf.matMul(cols, kernel.reshape([9 * cin, cout])).add(bias).reshape([b, h, w, cout]);
}

function trainingLogits(input: tf.Tensor4D): tf.Tensor2D {
  let h = tf.relu(conv3x3Same(input, c1k, c1b));
  h = tf.relu(conv3x3Same(h, c2k, c2b));
  h = tf.maxPool(h, 2, 2, "valid");
  h = tf.relu(conv3x3Same(h, c3k, c3b));
  h = tf.maxPool(h, 2, 2, "valid");
  const flat = tf.dropout(h.reshape([input.shape[0], -1]), 0.25);
  const features = tf.dropout(tf.relu6(flat.matMul(fk).add(fb)), 0.25);
  return features.matMul(ok).add(ob);
}

const optimizer = tf.train.adam(baseLr);

function accuracy(x: Float32Array, y: Int32Array, count: number): number {
  let correct = 0;
  for (let start = 0; start < count; start += 1000) {
    const n = Math.min(1000, count - start);
    const pred = tf.tidy(() => {
      const input = tf.tensor4d(x.subarray(start * 64, (start + n) * 64), [n, 8, 8, 1]);
      return (model.predict(input.mul(INPUT_SCALE)) as tf.Tensor).argMax(1).dataSync();
    });
    for (let i = 0; i < n; i++) if (pred[i] === y[start + i]) correct++;
  }
  return correct / count;
}

const order = Int32Array.from({ length: train.count }, (_, i) => i);
const trainStart = performance.now();
const history: { epoch: number; loss: number; test_acc: number }[] = [];
for (let epoch = 1; epoch <= epochs; epoch++) {
  const e0 = performance.now();
  // Cosine decay of the learning rate over the epochs.
  const lr = baseLr * 0.5 * (1 + Math.cos((Math.PI * (epoch - 1)) / epochs));
  (optimizer as unknown as { learningRate: number }).learningRate = lr;
  const random = seedrandom(`${seed}/epoch-${epoch}`);
  const xs = reduceToUci8x8(train.x, train.count, { augmentation: DEFAULT_AUGMENTATION, random });
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  let lossSum = 0, batches = 0;
  const batchX = new Float32Array(batchSize * 64);
  const batchY = new Int32Array(batchSize);
  for (let start = 0; start + batchSize <= train.count; start += batchSize) {
    for (let k = 0; k < batchSize; k++) {
      const i = order[start + k];
      batchX.set(xs.subarray(i * 64, i * 64 + 64), k * 64);
      batchY[k] = train.y[i];
    }
    const labels = new Int32Array(batchY);
    const loss = tf.tidy(() => {
      const input = tf.tensor4d(batchX, [batchSize, 8, 8, 1]).mul(INPUT_SCALE) as tf.Tensor4D;
      const onehot = tf.oneHot(tf.tensor1d(labels, "int32"), 10);
      return optimizer.minimize(
        () => tf.losses.softmaxCrossEntropy(onehot, trainingLogits(input)),
        true,
        variables,
      )!;
    });
    lossSum += (await loss.data())[0];
    loss.dispose();
    batches++;
    if (batches % 100 === 0) {
      const speed = (batches * batchSize) / ((performance.now() - e0) / 1000);
      Deno.stderr.writeSync(
        new TextEncoder().encode(
          `\r  epoch ${epoch}: ${batches * batchSize}/${train.count} ${speed.toFixed(0)} img/s`,
        ),
      );
    }
  }
  const testAcc = accuracy(testX, test.y, test.count);
  history.push({ epoch, loss: lossSum / batches, test_acc: testAcc });
  log(
    `\repoch ${epoch}/${epochs} lr ${lr.toExponential(2)} loss ${(lossSum / batches).toFixed(4)} ` +
      `MNIST-8x8 test ${(100 * testAcc).toFixed(2)}% ` +
      `(${((performance.now() - e0) / 1000).toFixed(0)} s)`,
  );
}
const trainSeconds = (performance.now() - trainStart) / 1000;

const testAccuracy = accuracy(testX, test.y, test.count);
const testAugAccuracy = accuracy(testAugX, test.y, test.count);

// The quantization spec, from the features of PUBLIC training digits (plain reduction) only.
const publicCount = 10_000;
const publicX = reduceToUci8x8(mnistTrain.x.subarray(0, publicCount * 784), publicCount);
const publicFeatures = tf.tidy(() => {
  const cut = tf.model({ inputs: model.inputs, outputs: model.getLayer(FEATURE_LAYER).output });
  const input = tf.tensor4d(publicX, [publicCount, 8, 8, 1]).mul(INPUT_SCALE);
  return (cut.predict(input) as tf.Tensor).dataSync() as Float32Array;
});
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
model.setUserDefinedMetadata({ extractor: metadata });
// The dropout layers are identity at inference; the saved model keeps them (harmless).
await model.save(fileSaveHandler(args.out!));

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
