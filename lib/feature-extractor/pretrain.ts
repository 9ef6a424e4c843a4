/**
 * Pretraining of the public feature extractor on PUBLIC MNIST reduced to the UCI 8 x 8 format:
 * the network, its training loop (fresh augmented reductions every epoch, seeded), accuracy, and
 * the features the quantization spec is derived from. `scripts/pretrain_extractor.ts`
 * orchestrates it and writes the model.
 *
 * The network: 8 x 8 x 1 input (UCI block counts times 1/16) -> conv 3x3 (c) -> conv 3x3 (c) ->
 * max-pool 2 -> conv 3x3 (2c) -> max-pool 2 -> flatten -> dense (features, ReLU6: every feature
 * in [0, 6]) -> dense 10 softmax.
 *
 * @module
 */
// @deno-types="@types/seedrandom"
import seedrandom from "seedrandom";
import { tf } from "../tfjs/runtime.ts";
import { DEFAULT_AUGMENTATION, reduceToUci8x8 } from "./uci_reduction.ts";
import type { ExtractorMetadata } from "./metadata.ts";
import { fileSaveHandler } from "./model_files.ts";

/** Name of the feature layer of the pretrained extractor. */
export const PRETRAIN_FEATURE_LAYER = "features";
/** Input scale of the pretrained extractor: UCI block counts (0..16) times 1/16. */
export const PRETRAIN_INPUT_SCALE = 1 / 16;

/** Widths of the extractor network. */
export interface ExtractorNetOptions {
  /** Channels of the first two convolutions (the third has twice as many). */
  channels: number;
  /** Width of the feature layer. */
  featureDim: number;
}

function buildExtractorModel(o: ExtractorNetOptions): tf.Sequential {
  const model = tf.sequential({ name: "mnist_uci8x8_cnn" });
  const conv = (filters: number, name: string, first = false) =>
    tf.layers.conv2d({
      ...(first ? { inputShape: [8, 8, 1] } : {}),
      filters,
      kernelSize: 3,
      padding: "same",
      activation: "relu",
      name,
    });
  model.add(conv(o.channels, "conv1", true));
  model.add(conv(o.channels, "conv2"));
  model.add(tf.layers.maxPooling2d({ poolSize: 2, name: "pool1" }));
  model.add(conv(2 * o.channels, "conv3"));
  model.add(tf.layers.maxPooling2d({ poolSize: 2, name: "pool2" }));
  model.add(tf.layers.flatten({ name: "flatten" }));
  model.add(tf.layers.dropout({ rate: 0.25, name: "dropout1" }));
  model.add(
    tf.layers.dense({ units: o.featureDim, activation: "relu6", name: PRETRAIN_FEATURE_LAYER }),
  );
  model.add(tf.layers.dropout({ rate: 0.25, name: "dropout2" }));
  model.add(tf.layers.dense({ units: 10, activation: "softmax", name: "mnist_classes" }));
  return model;
}

function extractorAccuracy(
  model: tf.LayersModel,
  x: Float32Array,
  y: Int32Array,
  count: number,
): number {
  let correct = 0;
  for (let start = 0; start < count; start += 1000) {
    const n = Math.min(1000, count - start);
    const pred = tf.tidy(() => {
      const input = tf.tensor4d(x.subarray(start * 64, (start + n) * 64), [n, 8, 8, 1]);
      return (model.predict(input.mul(PRETRAIN_INPUT_SCALE)) as tf.Tensor).argMax(1).dataSync();
    });
    for (let i = 0; i < n; i++) if (pred[i] === y[start + i]) correct++;
  }
  return correct / count;
}

function extractorFeatures(model: tf.LayersModel, x: Float32Array, count: number): Float32Array {
  return tf.tidy(() => {
    const cut = tf.model({
      inputs: model.inputs,
      outputs: model.getLayer(PRETRAIN_FEATURE_LAYER).output,
    });
    const input = tf.tensor4d(x, [count, 8, 8, 1]).mul(PRETRAIN_INPUT_SCALE);
    return (cut.predict(input) as tf.Tensor).dataSync() as Float32Array;
  });
}

/** A 3x3 "same" convolution as patches (pad + 9 slices + concat) times the reshaped kernel. */
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

/**
 * The training-time forward pass over the model's own variables. tfjs's wasm backend has no
 * Conv2DBackpropFilter kernel, so training runs the same network functionally with each 3x3
 * "same" convolution written as patches times the kernel reshaped to `[9 * in, out]`: the same
 * arithmetic as conv2d, made of kernels whose gradients wasm has. Inference and the saved model
 * use the ordinary conv2d layers.
 */
function trainingNetwork(model: tf.LayersModel) {
  const layerWeights = (name: string) =>
    model.getLayer(name).getWeights() as [tf.Variable, tf.Variable];
  const [c1k, c1b] = layerWeights("conv1");
  const [c2k, c2b] = layerWeights("conv2");
  const [c3k, c3b] = layerWeights("conv3");
  const [fk, fb] = layerWeights(PRETRAIN_FEATURE_LAYER);
  const [ok, ob] = layerWeights("mnist_classes");
  const logits = (input: tf.Tensor4D): tf.Tensor2D => {
    let h = tf.relu(conv3x3Same(input, c1k, c1b));
    h = tf.relu(conv3x3Same(h, c2k, c2b));
    h = tf.maxPool(h, 2, 2, "valid");
    h = tf.relu(conv3x3Same(h, c3k, c3b));
    h = tf.maxPool(h, 2, 2, "valid");
    const flat = tf.dropout(h.reshape([input.shape[0], -1]), 0.25);
    const features = tf.dropout(tf.relu6(flat.matMul(fk).add(fb)), 0.25);
    return features.matMul(ok).add(ob);
  };
  return { variables: [c1k, c1b, c2k, c2b, c3k, c3b, fk, fb, ok, ob], logits };
}

/** Training digits: `count` 28 x 28 images (0..255) and their labels. */
export interface Digits {
  /** `count x 784` pixel values, row-major. */
  x: Float32Array;
  /** Labels 0..9. */
  y: Int32Array;
  /** Number of digits. */
  count: number;
}

/** Options of {@linkcode ExtractorNet.pretrain}. */
export interface PretrainOptions {
  /** Epochs; each draws fresh augmented reductions of every training digit. */
  epochs: number;
  /** Batch size (the last partial batch of an epoch is dropped). */
  batchSize: number;
  /** Adam learning rate at epoch 1 (cosine decay over the epochs). */
  learningRate: number;
  /** Seed of the reductions and the batch order (`<seed>/epoch-<k>`). */
  seed: string;
  /** Test accuracy after each epoch (reported in the history). */
  evaluate: () => number;
  /** One line per epoch. */
  log: (line: string) => void;
  /** Progress within an epoch, every 100 batches (text starting with `\r`, no newline). */
  progress: (text: string) => void;
}

/** One epoch of {@linkcode ExtractorNet.pretrain}. */
export interface EpochRecord {
  /** 1-based epoch. */
  epoch: number;
  /** Mean training loss. */
  loss: number;
  /** `evaluate()` after the epoch. */
  test_acc: number;
}

async function pretrainExtractor(
  model: tf.LayersModel,
  train: Digits,
  o: PretrainOptions,
): Promise<EpochRecord[]> {
  const { variables, logits } = trainingNetwork(model);
  const optimizer = tf.train.adam(o.learningRate);
  const order = Int32Array.from({ length: train.count }, (_, i) => i);
  const history: EpochRecord[] = [];
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    const e0 = performance.now();
    // Cosine decay of the learning rate over the epochs.
    const lr = o.learningRate * 0.5 * (1 + Math.cos((Math.PI * (epoch - 1)) / o.epochs));
    (optimizer as unknown as { learningRate: number }).learningRate = lr;
    const random = seedrandom(`${o.seed}/epoch-${epoch}`);
    const xs = reduceToUci8x8(train.x, train.count, { augmentation: DEFAULT_AUGMENTATION, random });
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    const step = (x: Float32Array, labels: Int32Array) =>
      tf.tidy(() => {
        const input = tf.tensor4d(x, [o.batchSize, 8, 8, 1]).mul(PRETRAIN_INPUT_SCALE);
        const onehot = tf.oneHot(tf.tensor1d(labels, "int32"), 10);
        return optimizer.minimize(
          () => tf.losses.softmaxCrossEntropy(onehot, logits(input as tf.Tensor4D)),
          true,
          variables,
        )!;
      });
    const loss = await runEpoch(train, xs, order, o.batchSize, step, (batches) => {
      const speed = (batches * o.batchSize) / ((performance.now() - e0) / 1000);
      o.progress(
        `\r  epoch ${epoch}: ${batches * o.batchSize}/${train.count} ${speed.toFixed(0)} img/s`,
      );
    });
    const testAcc = o.evaluate();
    history.push({ epoch, loss, test_acc: testAcc });
    o.log(
      `\repoch ${epoch}/${o.epochs} lr ${lr.toExponential(2)} loss ${loss.toFixed(4)} ` +
        `MNIST-8x8 test ${(100 * testAcc).toFixed(2)}% ` +
        `(${((performance.now() - e0) / 1000).toFixed(0)} s)`,
    );
  }
  return history;
}

/**
 * The extractor network being pretrained (tfjs layers; initial weights are drawn from
 * `Math.random` when it is built, which the caller seeds for reproducibility).
 *
 * @example
 * ```ts
 * import seedrandom from "seedrandom";
 * import { initTf } from "../tfjs/runtime.ts";
 * import { loadMnist, subset } from "../datasets/mod.ts";
 * import { ExtractorNet, reduceToUci8x8 } from "./mod.ts";
 * seedrandom("demo/tfjs", { global: true });
 * await initTf();
 * const mnist = await loadMnist("train");
 * const train = subset(mnist, Array.from({ length: 512 }, (_, i) => i));
 * const net = new ExtractorNet({ channels: 8, featureDim: 16 });
 * const testX = reduceToUci8x8(train.x, train.count);
 * await net.pretrain(train, { epochs: 1, batchSize: 128, learningRate: 0.002, seed: "demo",
 *   evaluate: () => net.accuracy(testX, train.y, train.count), log: console.error,
 *   progress: () => {} });
 * await net.save("/tmp/extractor", metadata); // metadata: an ExtractorMetadata
 * ```
 */
export class ExtractorNet {
  readonly #model: tf.Sequential;

  /** Builds the network (draws the initial weights). */
  constructor(options: ExtractorNetOptions) {
    this.#model = buildExtractorModel(options);
  }

  /** Number of trainable parameters. */
  get parameters(): number {
    return this.#model.countParams();
  }

  /** Accuracy on `count` reduced 8 x 8 digits `x` (block counts) with labels `y`. */
  accuracy(x: Float32Array, y: Int32Array, count: number): number {
    return extractorAccuracy(this.#model, x, y, count);
  }

  /** The feature layer's outputs for `count` reduced 8 x 8 digits (block counts). */
  features(x: Float32Array, count: number): Float32Array {
    return extractorFeatures(this.#model, x, count);
  }

  /** Trains on the PUBLIC digits of `train` (28 x 28 images); returns the history. */
  pretrain(train: Digits, options: PretrainOptions): Promise<EpochRecord[]> {
    return pretrainExtractor(this.#model, train, options);
  }

  /** Writes `model.json` (with `metadata`) and `weights.bin` to the folder `dir`. */
  async save(dir: string, metadata: ExtractorMetadata): Promise<void> {
    this.#model.setUserDefinedMetadata({ extractor: metadata });
    // The dropout layers are identity at inference; the saved model keeps them (harmless).
    await this.#model.save(fileSaveHandler(dir));
  }
}

/** The batches of one epoch in `order`; returns the mean loss. */
async function runEpoch(
  train: Digits,
  xs: Float32Array,
  order: Int32Array,
  batchSize: number,
  step: (x: Float32Array, labels: Int32Array) => tf.Scalar,
  progress: (batches: number) => void,
): Promise<number> {
  let lossSum = 0, batches = 0;
  const batchX = new Float32Array(batchSize * 64);
  const batchY = new Int32Array(batchSize);
  for (let start = 0; start + batchSize <= train.count; start += batchSize) {
    for (let k = 0; k < batchSize; k++) {
      const i = order[start + k];
      batchX.set(xs.subarray(i * 64, i * 64 + 64), k * 64);
      batchY[k] = train.y[i];
    }
    const loss = step(batchX, new Int32Array(batchY));
    lossSum += (await loss.data())[0];
    loss.dispose();
    batches++;
    if (batches % 100 === 0) progress(batches);
  }
  return lossSum / batches;
}
