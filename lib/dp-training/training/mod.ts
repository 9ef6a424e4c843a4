/**
 * DP-SGD training of the float head: the head (dense layers with polynomial activations), cheap
 * per-example clipped gradients in TensorFlow.js, Poisson-sampled DP-SGD steps, and optimizers
 * (Adam, SGD) that only move trainable coordinates.
 *
 * @example
 * ```ts
 * import { initTf } from "../../tfjs/runtime.ts";
 * import { seededRandom } from "../mechanisms/mod.ts";
 * import { adam, createHead, trainSteps } from "./mod.ts";
 * await initTf();
 * const random = seededRandom(1);
 * const head = createHead({ inputDim: 2, hidden: [4], classes: 2, activation: [0, 1, 0.5], random });
 * const data = { x: new Float32Array([0, 1, 1, 0]), y: new Int32Array([0, 1]), count: 2, dim: 2,
 *   classes: 2 };
 * trainSteps(head, data, { steps: 10, sampleRate: 0.5, optimizer: adam({ learningRate: 0.1 }),
 *   random, privacy: { clipNorm: 1, noiseMultiplier: 1.1 } });
 * ```
 *
 * @module
 */
export type { RandomSource } from "../mechanisms/mod.ts";
export * from "./head.ts";
export * from "./head_gradients.ts";
export * from "./optimizer.ts";
export * from "./schedule.ts";
export * from "./dp_sgd.ts";
