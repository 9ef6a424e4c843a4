/**
 * Adam (Kingma and Ba 2015) on a flat parameter vector, with a learning rate that changes per
 * step (the cosine schedule of the training phases) and frozen coordinates left untouched, so
 * pruned weights stay zero and quantized weights keep their power-of-two value.
 *
 * @module
 */
import { MnistVariantError } from "./errors.ts";

/** Adam with a per-step learning rate. */
export class ScheduledAdam {
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  private t = 0;

  /**
   * Starts with zero moments for `size` parameters.
   *
   * @param beta1 first-moment decay
   * @param beta2 second-moment decay
   * @param epsilon denominator guard
   */
  constructor(size: number, readonly beta1 = 0.9, readonly beta2 = 0.999, readonly epsilon = 1e-8) {
    if (!Number.isInteger(size) || size < 1) {
      throw new MnistVariantError(`expected a parameter count >= 1, received ${size}`);
    }
    this.m = new Float64Array(size);
    this.v = new Float64Array(size);
  }

  /**
   * One update of `params` in place (skipping coordinates whose flag is 0).
   *
   * @throws {MnistVariantError} when the lengths differ or the rate is not a finite number >= 0.
   */
  step(
    params: Float32Array,
    grad: ArrayLike<number>,
    trainable: Uint8Array,
    learningRate: number,
  ): void {
    if (params.length !== this.m.length || grad.length !== params.length) {
      throw new MnistVariantError(
        `expected ${this.m.length} parameters and gradients, received ${params.length} and ` +
          `${grad.length}`,
      );
    }
    if (!(learningRate >= 0) || !Number.isFinite(learningRate)) {
      throw new MnistVariantError(`expected a finite learning rate >= 0, received ${learningRate}`);
    }
    this.t++;
    const { beta1: b1, beta2: b2, epsilon: eps, m, v } = this;
    const c1 = 1 - b1 ** this.t, c2 = 1 - b2 ** this.t;
    for (let k = 0; k < params.length; k++) {
      if (!trainable[k]) continue;
      const g = grad[k];
      m[k] = b1 * m[k] + (1 - b1) * g;
      v[k] = b2 * v[k] + (1 - b2) * g * g;
      params[k] -= (learningRate * (m[k] / c1)) / (Math.sqrt(v[k] / c2) + eps);
    }
  }
}

/**
 * The cosine schedule from `start` to `end` over `steps` steps (step 0 gives `start`).
 *
 * @example
 * ```ts
 * import { cosineRate } from "./adam.ts";
 * cosineRate(0, 100, 1e-3, 1e-5); // 0.001
 * cosineRate(100, 100, 1e-3, 1e-5); // 0.00001
 * ```
 */
export function cosineRate(step: number, steps: number, start: number, end: number): number {
  const t = steps <= 0 ? 1 : Math.min(1, Math.max(0, step / steps));
  return end + 0.5 * (start - end) * (1 + Math.cos(Math.PI * t));
}
