/**
 * The CryptoNets network in TensorFlow.js over the flat parameter vector of a `Head`: the
 * forward pass (padding, strided convolution, polynomial activations, dense layers), float
 * logits and accuracy on large sets in batches, and the pre-activations the activation fits
 * are made under.
 *
 * @module
 */
import type { Head } from "../../lib/dp-training/mod.ts";
import { tf } from "../../lib/tfjs/runtime.ts";
import type { TrainingActivation } from "./activation.ts";
import { CONV_OUTPUT_SHAPE, CRYPTONETS_CONV, MNIST_SHAPE } from "./architecture.ts";
import { MnistVariantError } from "./errors.ts";

/** Pixels per image (784). */
export const IMAGE_SIZE = MNIST_SHAPE[0] * MNIST_SHAPE[1] * MNIST_SHAPE[2];

/** Examples per batch when evaluating large sets. */
const EVAL_BATCH = 1000;

function applyActivation(z: tf.Tensor, a: TrainingActivation): tf.Tensor {
  if (a.coefficients === null) return tf.relu(z);
  const c = a.coefficients;
  let y: tf.Tensor = tf.mul(z, c[c.length - 1]);
  for (let i = c.length - 2; i >= 0; i--) {
    if (c[i] !== 0) y = tf.add(y, c[i]);
    if (i > 0) y = tf.mul(y, z);
  }
  return y;
}

/** Pre-activations of both hidden layers and the logits of a batch. */
export interface ForwardResult {
  /** `[B, 13, 13, 5]` convolution outputs (plus bias). */
  z1: tf.Tensor4D;
  /** `[B, 100]` hidden pre-activations. */
  z2: tf.Tensor2D;
  /** `[B, 10]` logits. */
  logits: tf.Tensor2D;
}

/**
 * For every output position `(y, x)` of the convolution and every tap `(ky, kx, c)`, the index of
 * the input pixel it reads in a flattened image, or `IMAGE_SIZE` (a zero appended after the
 * image) where the tap falls on the padding: the im2col map, so the convolution is one matrix
 * product with the `[25, 5]` kernel matrix (the wasm backend has no convolution gradient).
 */
export function im2colIndices(): Int32Array {
  const [H, W, C] = MNIST_SHAPE;
  const [kh, kw] = CRYPTONETS_CONV.kernel;
  const [sh, sw] = CRYPTONETS_CONV.strides;
  const [pt, pb, pl, pr] = CRYPTONETS_CONV.padding;
  const OH = Math.floor((H + pt + pb - kh) / sh) + 1, OW = Math.floor((W + pl + pr - kw) / sw) + 1;
  const out = new Int32Array(OH * OW * kh * kw * C);
  let o = 0;
  for (let y = 0; y < OH; y++) {
    for (let x = 0; x < OW; x++) {
      for (let ky = 0; ky < kh; ky++) {
        for (let kx = 0; kx < kw; kx++) {
          for (let c = 0; c < C; c++) {
            const iy = y * sh + ky - pt, ix = x * sw + kx - pl;
            out[o++] = iy < 0 || iy >= H || ix < 0 || ix >= W ? H * W * C : (iy * W + ix) * C + c;
          }
        }
      }
    }
  }
  return out;
}

let patchIndex: tf.Tensor1D | null = null;

/**
 * The forward pass of a batch `x` (`[B, 28, 28, 1]`, real inputs) with the parameters as one
 * flat tensor laid out like `head.params`.
 */
export function forward(
  head: Head,
  params: tf.Tensor1D,
  x: tf.Tensor4D,
  activations: readonly [TrainingActivation, TrainingActivation],
): ForwardResult {
  const [c, d1, d2] = head.layers;
  const B = x.shape[0];
  patchIndex ??= tf.keep(tf.tensor1d(im2colIndices(), "int32"));
  const flat = tf.concat([x.reshape([B, IMAGE_SIZE]), tf.zeros([B, 1])], 1);
  const patches = tf.gather(flat, patchIndex, 1).reshape([-1, c.inputs]) as tf.Tensor2D;
  const w1 = params.slice(c.wOffset, c.inputs * c.units).reshape([c.inputs, c.units]);
  const b1 = params.slice(c.bOffset, c.units);
  const z1 = tf.add(tf.matMul(patches, w1 as tf.Tensor2D), b1)
    .reshape([B, ...CONV_OUTPUT_SHAPE]) as tf.Tensor4D;
  const a1 = applyActivation(z1, activations[0]).reshape([B, d1.inputs]) as tf.Tensor2D;
  const w2 = params.slice(d1.wOffset, d1.inputs * d1.units).reshape([d1.inputs, d1.units]);
  const z2 = tf.add(tf.matMul(a1, w2 as tf.Tensor2D), params.slice(d1.bOffset, d1.units));
  const a2 = applyActivation(z2, activations[1]) as tf.Tensor2D;
  const w3 = params.slice(d2.wOffset, d2.inputs * d2.units).reshape([d2.inputs, d2.units]);
  const logits = tf.add(tf.matMul(a2, w3 as tf.Tensor2D), params.slice(d2.bOffset, d2.units));
  return { z1, z2: z2 as tf.Tensor2D, logits: logits as tf.Tensor2D };
}

function checkInputs(x: Float32Array, count: number): void {
  if (x.length !== count * IMAGE_SIZE) {
    throw new MnistVariantError(
      `expected ${count} x ${IMAGE_SIZE} inputs, received ${x.length} values`,
    );
  }
}

/** Float logits (`count x 10`, row-major) of `count` images, in batches. */
export function floatLogits(
  head: Head,
  activations: readonly [TrainingActivation, TrainingActivation],
  x: Float32Array,
  count: number,
): Float32Array {
  checkInputs(x, count);
  const classes = head.layers[head.layers.length - 1].units;
  const out = new Float32Array(count * classes);
  const params = tf.tensor1d(head.params);
  try {
    for (let s = 0; s < count; s += EVAL_BATCH) {
      const n = Math.min(EVAL_BATCH, count - s);
      const logits = tf.tidy(() => {
        const xb = tf.tensor4d(x.subarray(s * IMAGE_SIZE, (s + n) * IMAGE_SIZE), [
          n,
          ...MNIST_SHAPE,
        ]);
        return forward(head, params, xb, activations).logits;
      });
      out.set(logits.dataSync() as Float32Array, s * classes);
      logits.dispose();
    }
  } finally {
    params.dispose();
  }
  return out;
}

/**
 * Pre-activations of the two hidden layers for `count` images (all conv outputs, then all
 * hidden units), e.g. to fit an activation under their distribution.
 */
export function preActivations(
  head: Head,
  activations: readonly [TrainingActivation, TrainingActivation],
  x: Float32Array,
  count: number,
): [Float32Array, Float32Array] {
  checkInputs(x, count);
  const parts: [Float32Array[], Float32Array[]] = [[], []];
  const params = tf.tensor1d(head.params);
  try {
    for (let s = 0; s < count; s += EVAL_BATCH) {
      const n = Math.min(EVAL_BATCH, count - s);
      const [z1, z2] = tf.tidy(() => {
        const xb = tf.tensor4d(x.subarray(s * IMAGE_SIZE, (s + n) * IMAGE_SIZE), [
          n,
          ...MNIST_SHAPE,
        ]);
        const r = forward(head, params, xb, activations);
        return [r.z1, r.z2];
      });
      parts[0].push(z1.dataSync() as Float32Array);
      parts[1].push(z2.dataSync() as Float32Array);
      z1.dispose();
      z2.dispose();
    }
  } finally {
    params.dispose();
  }
  const join = (a: Float32Array[]) => {
    const out = new Float32Array(a.reduce((s, p) => s + p.length, 0));
    let o = 0;
    for (const p of a) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  };
  return [join(parts[0]), join(parts[1])];
}
