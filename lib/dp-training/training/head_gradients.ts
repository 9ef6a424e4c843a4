/**
 * Gradients of the head's cross-entropy loss in TensorFlow.js: the clipped sum of per-example
 * gradients that DP-SGD releases, and the ordinary mean gradient of non-private training.
 *
 * Per-example gradients without a loop over examples (tfjs has no vmap): a zero tensor `e_l` is
 * added to each layer's pre-activations, and one backward pass of the summed loss with respect
 * to those zeros gives every example's delta `d_l[i] = dL_i / dz_l[i]`. For a dense layer the
 * per-example weight gradient is the outer product `a_{l-1}[i] d_l[i]^T`, whose norm is
 * `||a_{l-1}[i]|| * ||d_l[i]||`, and the bias gradient is `d_l[i]`. So each example's full norm
 * costs two row reductions per layer, and the clipped sum is one matrix product per layer with
 * the deltas scaled by each example's clip factor: `sum_i c_i a[i] d[i]^T = a^T (c * d)`.
 *
 * @module
 */
import { checkPositive } from "../../check/mod.ts";
import { tf } from "../../tfjs/runtime.ts";
import { type Head, layerTrainable } from "./head.ts";

/** A tfjs tensor of a {@linkcode TensorBatch} (a `tf.Tensor2D`), opaque outside this module. */
export interface BatchTensor {
  /** `[rows, columns]`. */
  readonly shape: number[];
  /** Frees the tensor's memory. */
  dispose(): void;
}

/** A batch as tensors: inputs `[B, inputDim]` and one-hot labels `[B, classes]`. */
export interface TensorBatch {
  /** Inputs `[B, inputDim]`. */
  x: BatchTensor;
  /** One-hot labels `[B, classes]`. */
  yOneHot: BatchTensor;
}

/** What {@linkcode clippedGradientSum} returns. */
export interface ClippedGradients {
  /** Sum over the batch of the clipped per-example gradients, laid out like `head.params`. */
  sum: Float32Array;
  /** Each example's gradient norm before clipping. */
  norms: Float32Array;
  /** Summed cross-entropy loss of the batch. */
  loss: number;
}

/** Relative margin taken off the clip factor so float32 rounding never lets a norm exceed C. */
const CLIP_MARGIN = 1e-5;

function polynomial(z: tf.Tensor2D, c: readonly number[]): tf.Tensor2D {
  let y = z.mul(c[c.length - 1]) as tf.Tensor2D;
  for (let i = c.length - 2; i >= 1; i--) y = y.add(c[i]).mul(z);
  return c[0] === 0 ? y : y.add(c[0]);
}

function paramTensors(head: Head): { w: tf.Tensor2D[]; b: tf.Tensor1D[] } {
  return {
    w: head.layers.map((l) =>
      tf.tensor2d(head.params.subarray(l.wOffset, l.wOffset + l.inputs * l.units), [
        l.inputs,
        l.units,
      ])
    ),
    b: head.layers.map((l) => tf.tensor1d(head.params.subarray(l.bOffset, l.bOffset + l.units))),
  };
}

function crossEntropySum(logits: tf.Tensor2D, yOneHot: tf.Tensor2D): tf.Scalar {
  const logp = logits.sub(logits.logSumExp(1, true));
  return yOneHot.mul(logp).sum().neg() as tf.Scalar;
}

/** Uploads examples (row-major floats) and labels as a {@linkcode TensorBatch}. */
export function toTensorBatch(
  x: Float32Array,
  y: ArrayLike<number>,
  count: number,
  classes: number,
): TensorBatch {
  const dim = x.length / Math.max(count, 1);
  const oneHot = new Float32Array(count * classes);
  for (let i = 0; i < count; i++) oneHot[i * classes + y[i]] = 1;
  return {
    x: tf.tensor2d(x, [count, count === 0 ? 0 : dim]),
    yOneHot: tf.tensor2d(oneHot, [count, classes]),
  };
}

/**
 * The sum of the per-example gradients, each clipped to L2 norm at most `clipNorm` (over the
 * parameters that are trainable; a layer whose weights are all frozen contributes only its
 * bias gradients, and a partly frozen layer is bounded by its unmasked norm, which can only be
 * larger). Frozen coordinates of the result are not meaningful and must be ignored.
 *
 * @example
 * ```ts
 * import { initTf } from "../../tfjs/runtime.ts";
 * import { createHead } from "./head.ts";
 * import { clippedGradientSum, toTensorBatch } from "./head_gradients.ts";
 * import { seededRandom } from "../mechanisms/random.ts";
 * await initTf();
 * const head = createHead({ inputDim: 4, hidden: [3], classes: 2, activation: [0, 1, 0.5],
 *   random: seededRandom(1) });
 * const batch = toTensorBatch(new Float32Array(8).fill(0.5), [0, 1], 2, 2);
 * const { sum, norms } = clippedGradientSum(head, batch, 1.0);
 * ```
 */
export function clippedGradientSum(
  head: Head,
  batch: TensorBatch,
  clipNorm: number,
): ClippedGradients {
  checkPositive(clipNorm, "clipping norm");
  const B = batch.x.shape[0];
  if (B === 0) {
    return { sum: new Float32Array(head.params.length), norms: new Float32Array(0), loss: 0 };
  }
  const L = head.layers.length;
  const weightsTrainable = head.layers.map((_, l) => layerTrainable(head, l).some((t) => t === 1));
  const acts: tf.Tensor2D[] = [];
  try {
    return tf.tidy(() => {
      const { w, b } = paramTensors(head);
      const zeros = head.layers.map((l) => tf.zeros([B, l.units]) as tf.Tensor2D);
      const f = (...eps: tf.Tensor[]): tf.Scalar => {
        let a = batch.x as tf.Tensor2D;
        for (let l = 0; l < L; l++) {
          acts[l] = l === 0 ? a : tf.keep(a);
          const z = a.matMul(w[l]).add(b[l]).add(eps[l]) as tf.Tensor2D;
          a = l + 1 < L ? polynomial(z, head.activation) : z;
        }
        return crossEntropySum(a, batch.yOneHot as tf.Tensor2D);
      };
      const { value, grads } = tf.valueAndGrads(f)(zeros);
      const deltas = grads as tf.Tensor2D[];
      let sq: tf.Tensor1D = tf.zeros([B]);
      for (let l = 0; l < L; l++) {
        const dsq = deltas[l].square().sum(1);
        sq = sq.add(weightsTrainable[l] ? dsq.mul(acts[l].square().sum(1).add(1)) : dsq);
      }
      const norms = sq.sqrt();
      const factor = tf.minimum(1, tf.div(clipNorm * (1 - CLIP_MARGIN), norms.add(1e-6)));
      const parts: tf.Tensor[] = [];
      for (let l = 0; l < L; l++) {
        const scaled = deltas[l].mul(factor.expandDims(1)) as tf.Tensor2D;
        parts.push(tf.matMul(acts[l], scaled, true, false).reshape([-1]), scaled.sum(0));
      }
      return {
        sum: tf.concat(parts).dataSync() as Float32Array,
        norms: norms.dataSync() as Float32Array,
        loss: value.dataSync()[0],
      };
    });
  } finally {
    for (let l = 1; l < acts.length; l++) acts[l]?.dispose();
  }
}

/** The mean gradient of the batch's cross-entropy loss (ordinary, non-private training). */
export function meanGradient(head: Head, batch: TensorBatch): { grad: Float32Array; loss: number } {
  const B = batch.x.shape[0];
  if (B === 0) return { grad: new Float32Array(head.params.length), loss: 0 };
  const L = head.layers.length;
  return tf.tidy(() => {
    const { w, b } = paramTensors(head);
    const f = (...p: tf.Tensor[]): tf.Scalar => {
      let a = batch.x as tf.Tensor2D;
      for (let l = 0; l < L; l++) {
        const z = a.matMul(p[2 * l] as tf.Tensor2D).add(p[2 * l + 1]) as tf.Tensor2D;
        a = l + 1 < L ? polynomial(z, head.activation) : z;
      }
      return crossEntropySum(a, batch.yOneHot as tf.Tensor2D).div(B);
    };
    const vars = head.layers.flatMap((_, l) => [w[l], b[l]]);
    const { value, grads } = tf.valueAndGrads(f)(vars);
    return {
      grad: tf.concat(grads.map((g) => g.reshape([-1]))).dataSync() as Float32Array,
      loss: value.dataSync()[0],
    };
  });
}
