/**
 * Measures what the public extractor buys on the PRIVATE tasks, with non-private plain-tfjs heads
 * (the DP heads are `lib/dp-training/`'s job):
 *
 * - UCI digits (1,297 train / 500 test): a softmax (linear) head on the raw 8 x 8 pixels, a
 *   softmax head on the extractor's features (float, and quantized as the HE head receives them,
 *   at several bit widths), and the extractor's own MNIST classifier applied as is;
 * - breast cancer (455 / 114): a logistic head on the public standardisation;
 * - the extractor's MNIST-8x8 test accuracy, and extraction throughput (images/s).
 *
 * Usage:
 *   deno run --allow-all scripts/extractor_report.ts [--model models/extractor] [--epochs 300]
 *     [--seed fcn-report-v1] [--json]
 *
 * A table goes to stderr; with `--json` one JSON object is the last line of stdout.
 *
 * @module
 */
// @deno-types="@types/seedrandom"
import seedrandom from "seedrandom";
import { initTf, tf } from "../lib/tfjs/runtime.ts";
import { type Dataset, loadBreastCancer, loadMnist, loadUciDigits } from "../lib/datasets/mod.ts";
import {
  breastCancerStandardizer,
  dequantizeFeatures,
  deriveQuantization,
  fileLoadHandler,
  loadExtractor,
  quantizeFeatures,
  reduceToUci8x8,
} from "../lib/feature-extractor/mod.ts";
import { parseCli } from "./cli/usage.ts";

const USAGE = `usage: deno task extractor-report [--model DIR] [--epochs N] [--seed S] [--json]
  --model DIR    the extractor's folder or model.json (default models/extractor)
  --epochs N     full-batch epochs of each head (default 300)
  --seed S       seed of tfjs and the heads (default fcn-report-v1)
  --json         print one JSON object as the last stdout line`;

const { values: args } = parseCli(USAGE, {
  options: {
    model: { type: "string", default: "models/extractor" },
    epochs: { type: "string", default: "300" },
    seed: { type: "string", default: "fcn-report-v1" },
    json: { type: "boolean", default: false },
  },
});
const epochs = Number(args.epochs);
seedrandom(`${args.seed}/tfjs`, { global: true });
const backend = await initTf();
const log = (s: string) => console.error(s);

/**
 * Trains a softmax regression (one dense layer) with Adam on full batches and returns its test
 * accuracy. L2 weight decay 1e-4 on the weights.
 */
function softmaxHeadAccuracy(
  trainX: Float32Array,
  trainY: Int32Array,
  testX: Float32Array,
  testY: Int32Array,
  dim: number,
  classes: number,
  lr = 0.05,
): number {
  return tf.tidy(() => {
    const xTrain = tf.tensor2d(trainX, [trainY.length, dim]);
    const yTrain = tf.oneHot(tf.tensor1d(trainY, "int32"), classes);
    const w = tf.variable(tf.zeros([dim, classes]));
    const b = tf.variable(tf.zeros([classes]));
    const optimizer = tf.train.adam(lr);
    for (let e = 0; e < epochs; e++) {
      optimizer.minimize(() => {
        const logits = xTrain.matMul(w).add(b);
        return tf.losses.softmaxCrossEntropy(yTrain, logits).add(w.square().sum().mul(1e-4));
      });
    }
    const pred = tf.tensor2d(testX, [testY.length, dim]).matMul(w).add(b).argMax(1).dataSync();
    optimizer.dispose();
    let correct = 0;
    for (let i = 0; i < testY.length; i++) if (pred[i] === testY[i]) correct++;
    return correct / testY.length;
  });
}

function scaled(d: Dataset, factor: number): Float32Array {
  return Float32Array.from(d.x, (v) => v * factor);
}

const { train, test } = await loadUciDigits();
const extractor = await loadExtractor(args.model);
log(`extractor ${extractor.name} ${extractor.id}`);
log(`features ${extractor.featureDim}, quantization ${JSON.stringify(extractor.quantization)}`);

// (a) raw pixels.
const rawAccuracy = softmaxHeadAccuracy(
  scaled(train, 1 / 16),
  train.y,
  scaled(test, 1 / 16),
  test.y,
  64,
  10,
);
log(`raw pixels, softmax head: ${(100 * rawAccuracy).toFixed(1)}%`);

// (b) features, float and quantized with the shipped spec.
const fTrain = extractor.extract(train.x, train.count);
const fTest = extractor.extract(test.x, test.count);
const dim = extractor.featureDim;
const floatAccuracy = softmaxHeadAccuracy(fTrain, train.y, fTest, test.y, dim, 10);
log(`float features, softmax head: ${(100 * floatAccuracy).toFixed(1)}%`);
const spec = extractor.quantization!;
const qTrain = dequantizeFeatures(quantizeFeatures(fTrain, spec), spec);
const qTest = dequantizeFeatures(quantizeFeatures(fTest, spec), spec);
const quantAccuracy = softmaxHeadAccuracy(qTrain, train.y, qTest, test.y, dim, 10);
log(
  `quantized features (${spec.max + 1} levels), softmax head: ${(100 * quantAccuracy).toFixed(1)}%`,
);

// Bit widths, each spec derived from PUBLIC MNIST features only.
const mnistTest = await loadMnist("test");
const mnistX = reduceToUci8x8(mnistTest.x, mnistTest.count);
const publicFeatures = extractor.extract(mnistX, mnistTest.count);
const byBits: { bits: number; scale_log2: number; accuracy: number }[] = [];
for (const bits of [2, 3, 4, 5, 6, 8]) {
  const s = deriveQuantization(publicFeatures, dim, { bits });
  const acc = softmaxHeadAccuracy(
    dequantizeFeatures(quantizeFeatures(fTrain, s), s),
    train.y,
    dequantizeFeatures(quantizeFeatures(fTest, s), s),
    test.y,
    dim,
    10,
  );
  byBits.push({ bits, scale_log2: s.scale_log2, accuracy: acc });
  log(`  ${bits} bits (scale 2^${s.scale_log2}): ${(100 * acc).toFixed(1)}%`);
}

// (c) The extractor's own MNIST classifier: on MNIST-8x8, and zero-shot on UCI.
const full = await tf.loadLayersModel(fileLoadHandler(args.model!));
const classify = (x: Float32Array, count: number) =>
  tf.tidy(() =>
    (full.predict(tf.tensor4d(x, [count, 8, 8, 1]).mul(extractor.inputScale)) as tf.Tensor)
      .argMax(1).dataSync()
  );
const agree = (pred: ArrayLike<number>, y: Int32Array) => {
  let c = 0;
  for (let i = 0; i < y.length; i++) if (pred[i] === y[i]) c++;
  return c / y.length;
};
const mnistAccuracy = agree(classify(mnistX, mnistTest.count), mnistTest.y);
const zeroShotAccuracy = agree(classify(test.x, test.count), test.y);
full.dispose();
log(
  `extractor's MNIST classifier: MNIST-8x8 test ${(100 * mnistAccuracy).toFixed(2)}%, ` +
    `UCI test zero-shot ${(100 * zeroShotAccuracy).toFixed(1)}%`,
);

// (d) Throughput: 10,000 UCI-format images (the 1,797 digits repeated), after a warm-up.
const n = 10_000;
const big = new Float32Array(n * 64);
for (let i = 0; i < n; i++) {
  big.set(train.x.subarray((i % train.count) * 64, (i % train.count + 1) * 64), i * 64);
}
extractor.extract(big.subarray(0, 512 * 64), 512);
let t0 = performance.now();
extractor.extract(big, n);
const extractPerSecond = n / ((performance.now() - t0) / 1000);
t0 = performance.now();
extractor.extractQuantized(big, n);
const quantizedPerSecond = n / ((performance.now() - t0) / 1000);
t0 = performance.now();
for (let i = 0; i < 200; i++) extractor.extract(big.subarray(i * 64, i * 64 + 64), 1);
const singleMs = (performance.now() - t0) / 200;
log(
  `throughput: ${extractPerSecond.toFixed(0)} images/s (batched), ` +
    `${quantizedPerSecond.toFixed(0)} images/s with quantization, ${
      singleMs.toFixed(2)
    } ms per single image`,
);
extractor.dispose();

// (e) Breast cancer, public standardisation then quantization.
const bc = await loadBreastCancer();
const std = await breastCancerStandardizer();
const bcTrain = dequantizeFeatures(
  std.transformQuantized(bc.train.x, bc.train.count),
  std.quantization,
);
const bcTest = dequantizeFeatures(
  std.transformQuantized(bc.test.x, bc.test.count),
  std.quantization,
);
const bcAccuracy = softmaxHeadAccuracy(bcTrain, bc.train.y, bcTest, bc.test.y, 30, 2);
log(
  `breast cancer, logistic head on the public standardisation: ${(100 * bcAccuracy).toFixed(1)}%`,
);

const summary = {
  script: "extractor_report",
  backend,
  extractor: { id: extractor.id, name: extractor.name, feature_dim: dim, quantization: spec },
  head_epochs: epochs,
  uci_test_accuracy: {
    raw_pixels_softmax: rawAccuracy,
    features_float_softmax: floatAccuracy,
    features_quantized_softmax: quantAccuracy,
    extractor_mnist_classifier_zero_shot: zeroShotAccuracy,
  },
  uci_quantized_by_bits: byBits,
  mnist8x8_test_accuracy: mnistAccuracy,
  breast_cancer_test_accuracy: { public_standardisation_logistic: bcAccuracy },
  throughput: {
    images_per_second: extractPerSecond,
    quantized_images_per_second: quantizedPerSecond,
    single_image_ms: singleMs,
  },
};
log("");
log("| measurement (UCI digits: 1297 train / 500 test) | value |");
log("|---|---|");
log(`| softmax head on raw pixels (non-private) | ${(100 * rawAccuracy).toFixed(1)}% |`);
log(
  `| softmax head on ${dim} float features (non-private) | ${(100 * floatAccuracy).toFixed(1)}% |`,
);
log(
  `| softmax head on quantized features, ${Math.log2(spec.max + 1)} bits (non-private) | ${
    (100 * quantAccuracy).toFixed(1)
  }% |`,
);
log(`| extractor's MNIST classifier, zero-shot | ${(100 * zeroShotAccuracy).toFixed(1)}% |`);
log(`| extractor MNIST-8x8 test accuracy | ${(100 * mnistAccuracy).toFixed(2)}% |`);
log(
  `| breast cancer (455/114), logistic on public standardisation | ${
    (100 * bcAccuracy).toFixed(1)
  }% |`,
);
log(`| extraction throughput, batched (${backend}) | ${extractPerSecond.toFixed(0)} images/s |`);
log(`| extraction latency, one image | ${singleMs.toFixed(2)} ms |`);
if (args.json) console.log(JSON.stringify(summary));
