/**
 * Polynomial activations for the encrypted head: the activations to approximate (ReLU, swish,
 * GELU, sigmoid), pre-activation distributions, least-squares fits and power-of-two coefficient
 * fits, and the quantized activations used in training.
 *
 * @example
 * ```ts
 * import { ACTIVATIONS, leastSquaresFit, normalDistribution, quantizedActivation } from "./mod.ts";
 * const fit = leastSquaresFit(ACTIVATIONS.relu, 2, normalDistribution());
 * const act = quantizedActivation("relu"); // relu-aq: 0.125 + 0.5 x + 0.25 x^2
 * ```
 *
 * @module
 */
export * from "./activation_functions.ts";
export * from "./activation_fit.ts";
