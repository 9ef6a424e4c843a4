/**
 * Magnitude pruning (Han et al. 2015; the progressive schedule of Zhu and Gupta 2017): the
 * smallest-magnitude weights of each dense layer are set to zero and frozen. A pruned weight
 * costs no homomorphic operation. Pruning decisions look only at weights that DP-SGD already
 * released, so they are post-processing and cost no privacy.
 *
 * @module
 */
import { type Head, layerTrainable, layerWeights } from "../training/head.ts";

/** Checks a sparsity target: a fraction in [0, 1). */
export function checkSparsity(sparsity: number): void {
  if (!(sparsity >= 0 && sparsity < 1)) {
    throw new RangeError(`expected a sparsity in [0, 1), received ${sparsity}`);
  }
}

/**
 * Sparsity targets of a progressive schedule: `steps` values rising to `target` along the cubic
 * curve `s_t = target (1 - (1 - t/steps)^3)`, which prunes most while the network still has
 * the capacity to recover.
 *
 * @example
 * ```ts
 * import { pruningSchedule } from "./pruning.ts";
 * pruningSchedule(0.5, 3); // [0.3518..., 0.4814..., 0.5]
 * ```
 */
export function pruningSchedule(target: number, steps: number): number[] {
  checkSparsity(target);
  if (!Number.isInteger(steps) || steps < 1) {
    throw new RangeError(`expected a number of pruning steps >= 1, received ${steps}`);
  }
  return Array.from({ length: steps }, (_, i) => target * (1 - (1 - (i + 1) / steps) ** 3));
}

/** Fraction of the weights of layer `l` that are zero and frozen. */
export function layerSparsity(head: Head, l: number): number {
  const w = layerWeights(head, l), t = layerTrainable(head, l);
  let zeros = 0;
  for (let k = 0; k < w.length; k++) if (w[k] === 0 && t[k] === 0) zeros++;
  return zeros / w.length;
}

/**
 * Prunes every dense layer to at least `sparsity` (the fraction of its weights that are zero):
 * the trainable weights of smallest magnitude are set to 0 and frozen (ties by index). Weights
 * already frozen at a nonzero value (quantized) are never pruned.
 *
 * @returns the sparsity of each layer afterwards.
 */
export function pruneToSparsity(head: Head, sparsity: number): number[] {
  checkSparsity(sparsity);
  return head.layers.map((layer, l) => {
    const w = layerWeights(head, l), t = layerTrainable(head, l);
    const n = layer.inputs * layer.units;
    let pruned = 0;
    const candidates: number[] = [];
    for (let k = 0; k < n; k++) {
      if (t[k] === 0 && w[k] === 0) pruned++;
      else if (t[k] === 1) candidates.push(k);
    }
    const need = Math.min(Math.ceil(sparsity * n - 1e-9) - pruned, candidates.length);
    if (need > 0) {
      candidates.sort((a, b) => Math.abs(w[a]) - Math.abs(w[b]) || a - b);
      for (let j = 0; j < need; j++) {
        w[candidates[j]] = 0;
        t[candidates[j]] = 0;
      }
    }
    return layerSparsity(head, l);
  });
}
