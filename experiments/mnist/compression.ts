/**
 * Pruning and incremental power-of-two quantization of the CryptoNets network, through the
 * functions of `lib/dp-training/` (`pruneToSparsity`, `exponentRange`, `quantizeShare`) applied
 * to the network's `Head` view (see `cryptonets_head.ts`). The adapter adds what the dense
 * heads there do not need: a different sparsity target and exponent range per layer (the
 * 125-weight convolution tolerates far less pruning than the 84,500-weight hidden layer).
 *
 * @module
 */
import {
  type ExponentRange,
  exponentRange,
  type Head,
  isPow2InRange,
  layerSparsity,
  layerWeights,
  pruneToSparsity,
  quantizeShare,
} from "../../lib/dp-training/mod.ts";
import { layerView } from "./cryptonets_head.ts";
import { MnistVariantError } from "./errors.ts";

function perLayer<T>(head: Head, values: readonly T[], what: string): void {
  if (values.length !== head.layers.length) {
    throw new MnistVariantError(
      `expected one ${what} per layer (${head.layers.length}), received ${values.length}`,
    );
  }
}

/**
 * Prunes each layer `l` to at least `sparsities[l]` (smallest-magnitude trainable weights set to
 * 0 and frozen).
 *
 * @returns each layer's sparsity afterwards.
 */
export function pruneLayers(head: Head, sparsities: readonly number[]): number[] {
  perLayer(head, sparsities, "sparsity");
  return sparsities.map((s, l) => pruneToSparsity(layerView(head, l), s)[0]);
}

/** The fraction of pruned (zero, frozen) weights of every layer. */
export function sparsities(head: Head): number[] {
  return head.layers.map((_, l) => layerSparsity(head, l));
}

/**
 * Each layer's exponent range for INQ: `levels[l]` powers of two below (and including) the one
 * nearest its largest weight.
 */
export function layerExponentRanges(head: Head, levels: readonly number[]): ExponentRange[] {
  perLayer(head, levels, "level count");
  return levels.map((n, l) => exponentRange(layerWeights(head, l), n));
}

/**
 * One INQ stage: freezes the largest `share` of every layer's unpruned weights to signed powers
 * of two in the layer's range.
 *
 * @returns the number of weights frozen in this stage.
 */
export function quantizeStage(head: Head, share: number, ranges: readonly ExponentRange[]): number {
  return quantizeShare(head, share, [...ranges]);
}

/**
 * Checks that every weight of every layer is zero or `+-2^k` in the layer's range.
 *
 * @throws {MnistVariantError} naming the first weight that is not.
 */
export function checkPow2(head: Head, ranges: readonly ExponentRange[]): void {
  perLayer(head, ranges, "exponent range");
  head.layers.forEach((_, l) => {
    const w = layerWeights(head, l);
    for (let k = 0; k < w.length; k++) {
      if (!isPow2InRange(w[k], ranges[l])) {
        throw new MnistVariantError(
          `layer ${l}: expected 0 or +-2^k with k in [${ranges[l].minExponent}, ` +
            `${ranges[l].maxExponent}], received ${w[k]} at ${k}`,
        );
      }
    }
  });
}
