/**
 * Accuracy of the float network (TensorFlow.js) and of the exported integer model (exact
 * residue-arithmetic inference, `predictFast` of the HE engine), per-layer sparsity of an
 * exported model, and the log2 of its worst-case output magnitude (what the plaintext modulus of
 * the simd encoding must exceed).
 *
 * @module
 */
import { accuracy, argmaxRows, type Head } from "../../lib/dp-training/mod.ts";
import { compileModel, type QuantizedModel } from "../../lib/model/mod.ts";
import { outputBound, predictFast } from "../../lib/he-head/mod.ts";
import type { TrainingActivation } from "./activation.ts";
import type { QuantizedMnist } from "./mnist_inputs.ts";
import { floatLogits } from "./tf_network.ts";

/** Float predictions of the network on a data set. */
export function floatPredictions(
  head: Head,
  activations: readonly [TrainingActivation, TrainingActivation],
  data: QuantizedMnist,
): Int32Array {
  return argmaxRows(floatLogits(head, activations, data.real, data.count), data.count);
}

/** Test accuracy of the float network. */
export function floatAccuracy(
  head: Head,
  activations: readonly [TrainingActivation, TrainingActivation],
  data: QuantizedMnist,
): number {
  return accuracy(floatPredictions(head, activations, data), data.y);
}

/** Exact integer predictions of an exported model on a data set's 4-bit inputs. */
export function integerPredictions(model: QuantizedModel, data: QuantizedMnist): Int32Array {
  return predictFast(compileModel(model), data.ints, data.count);
}

/** `log2` of a positive bigint (to about 1e-15 relative). */
function log2BigInt(x: bigint): number {
  if (x <= 0n) return -Infinity;
  const bits = x.toString(2).length;
  const shift = Math.max(0, bits - 53);
  return Math.log2(Number(x >> BigInt(shift))) + shift;
}

/** `log2` of the worst-case magnitude of any logit (simd encoding, interval arithmetic). */
export function outputBoundLog2(model: QuantizedModel): number {
  return log2BigInt(outputBound(compileModel(model), "simd").bound);
}

/** Per-layer weight counts of an exported model. */
export interface LayerSparsity {
  /** Layer name (`conv1`, `fc1`, `fc2`). */
  name: string;
  /** All weights. */
  weights: number;
  /** Nonzero weights. */
  nonzeros: number;
  /** Fraction of zero weights. */
  sparsity: number;
}

/** Sparsity of every weighted layer of an exported model. */
export function modelSparsity(model: QuantizedModel): LayerSparsity[] {
  const out: LayerSparsity[] = [];
  model.layers.forEach((l, i) => {
    if (l.type !== "dense" && l.type !== "conv2d") return;
    const w = l.weights;
    const weights = w.shape.reduce((a, b) => a * b, 1);
    let nonzeros = 0;
    for (let k = 0; k < weights; k++) {
      if (w.kind === "pow2" ? w.sign[k] !== 0 : w.values[k] !== 0) nonzeros++;
    }
    out.push({
      name: l.name ?? `${l.type}#${i}`,
      weights,
      nonzeros,
      sparsity: 1 - nonzeros / weights,
    });
  });
  return out;
}
