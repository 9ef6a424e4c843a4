/**
 * Differentially private training of the HE head: an RDP privacy accountant (Poisson-subsampled
 * Gaussian, tight and classic conversions, noise calibration) and a tighter PLD accountant
 * (privacy loss distributions composed by FFT), diffprivlib-style mechanisms and a budget
 * accountant that refuses to overspend, DP-SGD in TensorFlow.js with cheap per-example gradients,
 * progressive magnitude pruning, incremental power-of-two quantization, optimal power-of-two
 * polynomial activations, and export to the quantized model format with a model card.
 *
 * @example
 * ```ts
 * import { calibrateNoiseMultiplier, dpSgdEpsilon } from "./mod.ts";
 * // The TF Privacy tutorial: sigma 1.1, batch 256 of 60,000, 60 epochs.
 * const { epsilon } = dpSgdEpsilon({ noiseMultiplier: 1.1, sampleRate: 256 / 60000,
 *   steps: 14063, delta: 1e-5, conversion: "classic" }); // about 3.01
 * const { noiseMultiplier } = calibrateNoiseMultiplier({ targetEpsilon: 3, delta: 1e-5,
 *   sampleRate: 64 / 1297, steps: 1200 });
 * ```
 *
 * @example
 * ```ts
 * import { initTf } from "../tfjs/runtime.ts";
 * import { loadPrivateFeatures, quantizedActivation, seededRandom, trainPrivateHead } from "./mod.ts";
 * await initTf();
 * const data = await loadPrivateFeatures("uci-digits", "raw");
 * const act = quantizedActivation("relu"); // relu-aq: 0.125 + 0.5 x + 0.25 x^2
 * const result = trainPrivateHead({ ...data, name: "demo", hidden: [32], activation: act,
 *   privacy: { targetEpsilon: 3, delta: 1e-5 }, epochs: 60, batchSize: 64, clipNorm: 1,
 *   learningRate: 0.01, sparsity: 0.5, random: seededRandom(1) });
 * console.log(result.epsilon, result.testAccuracy);
 * ```
 *
 * @module
 */
export * from "./errors.ts";
export * from "./log_math.ts";
export { checkDelta, checkEpsilon } from "../check/mod.ts";
export type { HopCounts } from "../he-head/engine/hops.ts";
export type { DecodedImage } from "../datasets/mod.ts";
export * from "./accounting/mod.ts";
export * from "./activations/mod.ts";
export * from "./mechanisms/mod.ts";
export * from "./training/mod.ts";
export * from "./compression/mod.ts";
export * from "./train_private_head.ts";
export * from "./private_features.ts";
export * from "./model_card.ts";
export * from "./card_markdown.ts";
export * from "./own_data.ts";
