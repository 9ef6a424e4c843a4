/**
 * Optimizers on the head's flat parameter vector that only move trainable coordinates (pruned
 * and quantized weights stay frozen). They run after the gradient is privatised, so they are
 * post-processing and cost no privacy.
 *
 * @module
 */
import { checkPositive } from "../../check/mod.ts";

/** Updates parameters in place from a gradient, skipping coordinates whose flag is 0. */
export interface Optimizer {
  /** `adam` or `sgd`. */
  readonly name: string;
  /**
   * One update. `learningRate`, when given, replaces the optimizer's rate for this step only
   * (a schedule's value, for example `cosineRate` of `schedule.ts`; finite and >= 0).
   *
   * @throws {RangeError} when the lengths of `params`, `grad` and `trainable` differ, or the
   * rate is not a finite number >= 0.
   */
  step(
    params: Float32Array,
    grad: ArrayLike<number>,
    trainable: Uint8Array,
    learningRate?: number,
  ): void;
}

/** Options of {@linkcode adam}. */
export interface AdamOptions {
  /** Step size (> 0). */
  learningRate: number;
  /** First-moment decay (default 0.9). */
  beta1?: number;
  /** Second-moment decay (default 0.999). */
  beta2?: number;
  /** Denominator guard (default 1e-8). */
  epsilon?: number;
}

function checkRate(lr: number): void {
  checkPositive(lr, "learning rate");
}

/** The rate of one step: the scheduled `override` (finite, >= 0) or the configured `lr`. */
function stepRate(lr: number, override: number | undefined): number {
  if (override === undefined) return lr;
  if (!(override >= 0) || !Number.isFinite(override)) {
    throw new RangeError(`expected a finite learning rate >= 0, received ${override}`);
  }
  return override;
}

function checkLengths(params: Float32Array, grad: ArrayLike<number>, trainable: Uint8Array) {
  if (grad.length !== params.length || trainable.length !== params.length) {
    throw new RangeError(
      `expected ${params.length} gradients and trainable flags, received ${grad.length} and ` +
        `${trainable.length}`,
    );
  }
}

/**
 * Adam (Kingma and Ba 2015) with bias correction. Moments start at zero and are kept in
 * float64; a per-step `learningRate` passed to `step` (a schedule) replaces `options.learningRate`.
 *
 * @example
 * ```ts
 * import { adam } from "./optimizer.ts";
 * import { cosineRate } from "./schedule.ts";
 * const opt = adam({ learningRate: 0.01 });
 * const p = new Float32Array([1, 2]);
 * opt.step(p, new Float32Array([0.5, -0.5]), new Uint8Array([1, 0]));
 * opt.step(p, new Float32Array([0.5, -0.5]), new Uint8Array([1, 0]), cosineRate(1, 10, 0.01, 0));
 * ```
 */
export function adam(options: AdamOptions): Optimizer {
  checkRate(options.learningRate);
  const lr = options.learningRate;
  const b1 = options.beta1 ?? 0.9, b2 = options.beta2 ?? 0.999, eps = options.epsilon ?? 1e-8;
  let m: Float64Array | null = null, v: Float64Array | null = null, t = 0;
  return {
    name: "adam",
    step(params, grad, trainable, learningRate) {
      checkLengths(params, grad, trainable);
      const rate = stepRate(lr, learningRate);
      if (m === null || m.length !== params.length) {
        m = new Float64Array(params.length);
        v = new Float64Array(params.length);
      }
      t++;
      const c1 = 1 - b1 ** t, c2 = 1 - b2 ** t;
      for (let k = 0; k < params.length; k++) {
        if (!trainable[k]) continue;
        const g = grad[k];
        m[k] = b1 * m[k] + (1 - b1) * g;
        v![k] = b2 * v![k] + (1 - b2) * g * g;
        params[k] -= (rate * (m[k] / c1)) / (Math.sqrt(v![k] / c2) + eps);
      }
    },
  };
}

/** Stochastic gradient descent with (heavy-ball) momentum. */
export function sgd(options: { learningRate: number; momentum?: number }): Optimizer {
  checkRate(options.learningRate);
  const lr = options.learningRate, mu = options.momentum ?? 0;
  if (!(mu >= 0 && mu < 1)) throw new RangeError(`expected a momentum in [0, 1), received ${mu}`);
  let vel: Float64Array | null = null;
  return {
    name: "sgd",
    step(params, grad, trainable, learningRate) {
      checkLengths(params, grad, trainable);
      const rate = stepRate(lr, learningRate);
      if (vel === null || vel.length !== params.length) vel = new Float64Array(params.length);
      for (let k = 0; k < params.length; k++) {
        if (!trainable[k]) continue;
        vel[k] = mu * vel[k] + grad[k];
        params[k] -= rate * vel[k];
      }
    },
  };
}
