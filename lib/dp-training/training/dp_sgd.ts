/**
 * DP-SGD (Abadi et al. 2016) on the head: at every step each example joins the batch
 * independently with probability `q` (Poisson sampling, the sampling the RDP accountant
 * assumes), per-example gradients are clipped to L2 norm `C`, their sum is released through the
 * Gaussian mechanism with std `sigma * C`, and the optimizer steps on that sum divided by the
 * expected batch size `q * n`. The same loop without clipping and noise is ordinary training,
 * used for non-private baselines and the speed comparison.
 *
 * @module
 */
import { GaussianMechanism } from "../mechanisms/gaussian_mechanism.ts";
import type { Head } from "./head.ts";
import { clippedGradientSum, meanGradient, toTensorBatch } from "./head_gradients.ts";
import type { Optimizer } from "./optimizer.ts";
import type { RandomSource } from "../mechanisms/random.ts";

/** Training examples as the head sees them: real-valued features, row-major. */
export interface TrainingSet {
  /** `count x dim` features. */
  x: Float32Array;
  /** Labels in `[0, classes)`. */
  y: Int32Array;
  /** Number of examples. */
  count: number;
  /** Features per example. */
  dim: number;
  /** Number of classes. */
  classes: number;
}

/** The privacy parameters of a DP-SGD phase. */
export interface DpSgdParams {
  /** Per-example L2 clipping norm C. */
  clipNorm: number;
  /** Noise std divided by C. */
  noiseMultiplier: number;
}

/** Options of {@linkcode trainSteps}. */
export interface TrainStepsOptions {
  /** Number of steps. */
  steps: number;
  /** Poisson sampling rate q (expected batch size / count). */
  sampleRate: number;
  /** The optimizer (it only moves trainable parameters). */
  optimizer: Optimizer;
  /**
   * Sampling and noise randomness: `secureRandom()` for a private run; a seeded source
   * makes the noise replayable (reproducible experiments and tests only).
   */
  random: RandomSource;
  /** DP-SGD parameters, or null for ordinary (non-private) training. */
  privacy: DpSgdParams | null;
  /** Called after every step (the loss is a private-data statistic: do not publish it). */
  onStep?: (step: number, loss: number) => void;
}

/**
 * Statistics of a run of steps. The clipped fraction and the loss are computed on the private
 * examples outside the DP mechanism: local diagnostics that must not be published (the model
 * card does not carry them).
 */
export interface TrainStepsStats {
  /** Steps run. */
  steps: number;
  /** Examples drawn over all steps. */
  examples: number;
  /** Fraction of drawn examples whose gradient norm exceeded C (0 without privacy). */
  clippedFraction: number;
  /** Mean per-example training loss (before noise). */
  meanLoss: number;
}

/** Draws a Poisson sample: each index in `[0, count)` with probability `q`. */
export function poissonSample(count: number, q: number, random: RandomSource): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) if (random.uniform() < q) out.push(i);
  return out;
}

/** Gathers the rows `indices` of a training set. */
function gather(data: TrainingSet, indices: number[]): { x: Float32Array; y: Int32Array } {
  const x = new Float32Array(indices.length * data.dim);
  const y = new Int32Array(indices.length);
  indices.forEach((i, k) => {
    x.set(data.x.subarray(i * data.dim, (i + 1) * data.dim), k * data.dim);
    y[k] = data.y[i];
  });
  return { x, y };
}

/**
 * Runs `steps` steps of DP-SGD (or of ordinary training when `privacy` is null) on the head, in
 * place. The caller accounts the privacy (see {@linkcode BudgetAccountant}); this function only
 * implements the mechanism.
 *
 * @example
 * ```ts
 * import { initTf } from "../../tfjs/runtime.ts";
 * import { createHead } from "./head.ts";
 * import { trainSteps } from "./dp_sgd.ts";
 * import { adam } from "./optimizer.ts";
 * import { seededRandom } from "../mechanisms/random.ts";
 * await initTf();
 * const random = seededRandom(1);
 * const head = createHead({ inputDim: 2, hidden: [], classes: 2, activation: [], random });
 * const data = { x: new Float32Array([0, 1, 1, 0]), y: new Int32Array([0, 1]), count: 2, dim: 2,
 *   classes: 2 };
 * trainSteps(head, data, { steps: 10, sampleRate: 0.5, optimizer: adam({ learningRate: 0.1 }),
 *   random, privacy: { clipNorm: 1, noiseMultiplier: 1.1 } });
 * ```
 */
export function trainSteps(head: Head, data: TrainingSet, o: TrainStepsOptions): TrainStepsStats {
  const { steps, sampleRate: q, privacy } = o;
  if (!Number.isInteger(steps) || steps < 0) {
    throw new RangeError(`expected a whole number of steps >= 0, received ${steps}`);
  }
  if (!(q > 0 && q <= 1)) throw new RangeError(`expected a sample rate in (0, 1], received ${q}`);
  if (data.dim !== head.layers[0].inputs) {
    throw new RangeError(
      `expected ${head.layers[0].inputs} features per example, received ${data.dim}`,
    );
  }
  const mechanism = privacy === null ? null : new GaussianMechanism({
    sensitivity: privacy.clipNorm,
    noiseMultiplier: privacy.noiseMultiplier,
    random: o.random,
  });
  const expectedBatch = q * data.count;
  let examples = 0, clipped = 0, lossSum = 0;
  for (let s = 0; s < steps; s++) {
    const idx = poissonSample(data.count, q, o.random);
    const { x, y } = gather(data, idx);
    const batch = toTensorBatch(x, y, idx.length, data.classes);
    let grad: Float32Array, loss: number;
    try {
      if (mechanism === null) {
        ({ grad, loss } = meanGradient(head, batch));
        loss *= idx.length;
      } else {
        const r = clippedGradientSum(head, batch, privacy!.clipNorm);
        for (const n of r.norms) if (n > privacy!.clipNorm) clipped++;
        mechanism.randomiseInPlace(r.sum);
        for (let k = 0; k < r.sum.length; k++) r.sum[k] /= expectedBatch;
        grad = r.sum;
        loss = r.loss;
      }
    } finally {
      batch.x.dispose();
      batch.yOneHot.dispose();
    }
    o.optimizer.step(head.params, grad, head.trainable);
    examples += idx.length;
    lossSum += loss;
    o.onStep?.(s + 1, idx.length === 0 ? NaN : loss / idx.length);
  }
  return {
    steps,
    examples,
    clippedFraction: examples === 0 ? 0 : clipped / examples,
    meanLoss: examples === 0 ? NaN : lossSum / examples,
  };
}
