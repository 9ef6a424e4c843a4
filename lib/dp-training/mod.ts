/**
 * Differentially private training of the HE head: an RDP privacy accountant (Poisson-subsampled
 * Gaussian, tight and classic conversions, noise calibration), diffprivlib-style mechanisms
 * and a budget accountant that refuses to overspend, DP-SGD in TensorFlow.js with cheap
 * per-example gradients, progressive magnitude pruning, incremental power-of-two quantization,
 * optimal power-of-two polynomial activations, and export to the quantized model format with a
 * model card.
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
export * from "./accounting/rdp.ts";
export * from "./accounting/conversion.ts";
export * from "./accounting/rdp_accountant.ts";
export * from "./accounting/calibrate.ts";
export * from "./mechanisms/random.ts";
export * from "./mechanisms/secure_gaussian.ts";
export * from "./accounting/privacy_cost.ts";
export * from "./mechanisms/gaussian_mechanism.ts";
export * from "./mechanisms/laplace_mechanism.ts";
export * from "./accounting/budget_accountant.ts";
export * from "./activations/activation_functions.ts";
export * from "./activations/activation_fit.ts";
export * from "./training/head.ts";
export * from "./training/head_gradients.ts";
export * from "./training/optimizer.ts";
export * from "./training/dp_sgd.ts";
export * from "./compression/pruning.ts";
export * from "./compression/pow2_quantization.ts";
export * from "./compression/export_model.ts";
export * from "./train_private_head.ts";
export * from "./train_options.ts";
export * from "./private_features.ts";
export * from "./model_card.ts";
export * from "./progress_bar.ts";
export * from "./privacy_options.ts";
export * from "./svg_chart.ts";
