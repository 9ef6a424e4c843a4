/**
 * One training phase of the CryptoNets network: mini-batch Adam over shuffled epochs with a
 * cosine learning-rate schedule, gradients from TensorFlow.js, frozen parameters (pruned or
 * quantized weights) left untouched, optional global gradient-norm clipping (polynomial
 * activations can blow up early in training) and decoupled weight decay.
 *
 * @module
 */
import { adam, cosineRate, type Head, type RandomSource } from "../../lib/dp-training/mod.ts";
import { ProgressBar } from "../../lib/report/mod.ts";
import { tf } from "../../lib/tfjs/runtime.ts";
import type { TrainingActivation } from "./activation.ts";
import { MNIST_SHAPE } from "./architecture.ts";
import { MnistVariantError } from "./errors.ts";
import { forward, IMAGE_SIZE } from "./tf_network.ts";

/** Real-valued training images with labels. */
export interface TrainingImages {
  /** `count x 784` real inputs. */
  real: Float32Array;
  /** Labels 0..9. */
  y: Int32Array;
  /** Number of images. */
  count: number;
}

/** Options of {@linkcode trainPhase}. */
export interface PhaseOptions {
  /** Label of the progress line, e.g. `cryptonets dense`. */
  label: string;
  /** Passes over the data (may be fractional: a share of a pass). */
  epochs: number;
  /** Examples per step. */
  batchSize: number;
  /** Learning rate at the start of the phase. */
  learningRate: number;
  /** Learning rate at the end (cosine decay; default `learningRate / 20`). */
  finalLearningRate?: number;
  /** Shuffling randomness (seeded for reproducible runs). */
  random: RandomSource;
  /** Rescales the gradient to at most this global L2 norm (default 5; 0 disables). */
  clipNorm?: number;
  /** Decoupled weight decay per step, times the learning rate (default 0). */
  weightDecay?: number;
  /**
   * Data augmentation: each training image is translated by a random whole number of pixels in
   * `[-shift, shift]` along each axis, zeros filling in (default 0: none).
   */
  shift?: number;
  /** Print progress on stderr (default true). */
  progress?: boolean;
}

/** What a phase did. */
export interface PhaseStats {
  /** Optimizer steps. */
  steps: number;
  /** Mean training loss over the last epoch's worth of steps (or all of them). */
  loss: number;
  /** Wall-clock seconds. */
  seconds: number;
}

function checkOptions(o: PhaseOptions): void {
  if (!(o.epochs > 0) || !Number.isFinite(o.epochs)) {
    throw new MnistVariantError(`expected epochs > 0, received ${o.epochs}`);
  }
  if (!Number.isInteger(o.batchSize) || o.batchSize < 1) {
    throw new MnistVariantError(`expected a batch size >= 1, received ${o.batchSize}`);
  }
  if (o.shift !== undefined && !(Number.isInteger(o.shift) && o.shift >= 0 && o.shift < 14)) {
    throw new MnistVariantError(`expected a shift of 0..13 pixels, received ${o.shift}`);
  }
  if (!(o.learningRate > 0) || !Number.isFinite(o.learningRate)) {
    throw new MnistVariantError(`expected a learning rate > 0, received ${o.learningRate}`);
  }
}

/**
 * Copies a 28x28 single-channel image translated by `(dy, dx)` pixels into `out`, zeros
 * filling in.
 */
export function translate(src: Float32Array, out: Float32Array, dy: number, dx: number): void {
  const [H, W] = MNIST_SHAPE;
  out.fill(0);
  for (let y = Math.max(0, dy); y < Math.min(H, H + dy); y++) {
    const sy = y - dy;
    for (let x = Math.max(0, dx); x < Math.min(W, W + dx); x++) {
      out[y * W + x] = src[sy * W + x - dx];
    }
  }
}

/** The loss and flat gradient of one batch. */
function lossAndGradient(
  head: Head,
  activations: readonly [TrainingActivation, TrainingActivation],
  xb: Float32Array,
  yb: Int32Array,
): { loss: number; grad: Float32Array } {
  const n = yb.length;
  const [loss, grad] = tf.tidy(() => {
    const x = tf.tensor4d(xb, [n, ...MNIST_SHAPE]);
    const labels = tf.oneHot(tf.tensor1d(yb, "int32"), head.layers[head.layers.length - 1].units);
    const params = tf.tensor1d(head.params);
    const f = (p: tf.Tensor) => {
      const { logits } = forward(head, p as tf.Tensor1D, x, activations);
      return tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar;
    };
    const { value, grad } = tf.valueAndGrad(f)(params);
    return [value, grad];
  });
  const out = { loss: (loss.dataSync() as Float32Array)[0], grad: grad.dataSync() as Float32Array };
  loss.dispose();
  grad.dispose();
  return out;
}

/**
 * Trains the trainable parameters of `head` in place with the activations in place.
 *
 * @throws {MnistVariantError} on bad options, or when the loss becomes NaN (the polynomial
 *   network diverged; lower the learning rate or the initialisation gain).
 */
export function trainPhase(
  head: Head,
  data: TrainingImages,
  activations: readonly [TrainingActivation, TrainingActivation],
  options: PhaseOptions,
): PhaseStats {
  checkOptions(options);
  const start = performance.now();
  const bs = Math.min(options.batchSize, data.count);
  const stepsPerEpoch = Math.max(1, Math.floor(data.count / bs));
  const steps = Math.max(1, Math.round(options.epochs * stepsPerEpoch));
  const lr0 = options.learningRate, lr1 = options.finalLearningRate ?? lr0 / 20;
  const clip = options.clipNorm ?? 5, wd = options.weightDecay ?? 0, shift = options.shift ?? 0;
  const optimizer = adam({ learningRate: lr0 });
  const bar = new ProgressBar(steps, options.label, options.progress ?? true);
  const order = Int32Array.from({ length: data.count }, (_, i) => i);
  const xb = new Float32Array(bs * IMAGE_SIZE), yb = new Int32Array(bs);
  const isWeight = new Uint8Array(head.params.length);
  for (const l of head.layers) isWeight.fill(1, l.wOffset, l.wOffset + l.inputs * l.units);
  let pos = data.count, recent = 0, recentN = 0;
  for (let step = 0; step < steps; step++) {
    if (pos + bs > data.count) {
      for (let i = data.count - 1; i > 0; i--) {
        const j = Math.floor(options.random.uniform() * (i + 1));
        const t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
      pos = 0;
    }
    for (let b = 0; b < bs; b++) {
      const k = order[pos + b];
      const src = data.real.subarray(k * IMAGE_SIZE, (k + 1) * IMAGE_SIZE);
      if (shift > 0) {
        const dy = Math.floor(options.random.uniform() * (2 * shift + 1)) - shift;
        const dx = Math.floor(options.random.uniform() * (2 * shift + 1)) - shift;
        translate(src, xb.subarray(b * IMAGE_SIZE, (b + 1) * IMAGE_SIZE), dy, dx);
      } else xb.set(src, b * IMAGE_SIZE);
      yb[b] = data.y[k];
    }
    pos += bs;
    const { loss, grad } = lossAndGradient(head, activations, xb, yb);
    if (!Number.isFinite(loss)) {
      throw new MnistVariantError(
        `${options.label}: expected a finite loss, received ${loss} at step ${step} ` +
          "(the polynomial network diverged; lower the learning rate or the init gain)",
      );
    }
    if (clip > 0) {
      let sq = 0;
      for (let k = 0; k < grad.length; k++) sq += grad[k] * grad[k];
      const norm = Math.sqrt(sq);
      if (norm > clip) { for (let k = 0; k < grad.length; k++) grad[k] *= clip / norm; }
    }
    const lr = cosineRate(step, steps - 1, lr0, lr1);
    if (wd > 0) {
      const p = head.params, t = head.trainable;
      for (let k = 0; k < p.length; k++) if (isWeight[k] && t[k]) p[k] -= lr * wd * p[k];
    }
    optimizer.step(head.params, grad, head.trainable, lr);
    if (step >= steps - stepsPerEpoch) {
      recent += loss;
      recentN++;
    }
    bar.update(step + 1, `loss ${loss.toFixed(4)}`);
  }
  bar.done();
  return {
    steps,
    loss: recent / Math.max(1, recentN),
    seconds: (performance.now() - start) / 1000,
  };
}
