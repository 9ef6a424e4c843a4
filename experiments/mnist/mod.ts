/**
 * The MNIST experiment of Faster CryptoNets (Chou et al. 2018): the CryptoNets architecture
 * (conv 5x5 stride 2, 5 maps -> activation -> dense 100 -> activation -> dense 10) trained with
 * TensorFlow.js on the full MNIST training set in four variants, and exported to the project's
 * quantized model format for encrypted evaluation:
 *
 * - `cryptonets`: square activation, dense fixed-point integer weights;
 * - `cryptodl`: degree-3 least-squares ReLU polynomial, dense fixed-point integer weights;
 * - `faster-relu-aq` / `faster-swish-aq`: progressive magnitude pruning and incremental
 *   power-of-two quantization (INQ) with the optimal power-of-two ReLU / Swish approximation in
 *   place during training.
 *
 * Inputs are 4-bit integers (`round(p / 16)` of the grey level, clamped to 15). Models are
 * stored in `models/mnist/<variant>.json` with their training summary (float and quantized test
 * accuracy, sparsity, log2 of the worst-case output magnitude, training time) in the metadata.
 *
 * @example
 * ```ts
 * import { getMnistVariant, VARIANT_NAMES } from "./mod.ts";
 * import { compileModel } from "../../lib/he-head/mod.ts";
 * for (const name of VARIANT_NAMES) {
 *   const r = await getMnistVariant(name); // the stored model, or trains and stores it
 *   const net = compileModel(r.model);
 *   console.log(name, r.floatAccuracy, r.quantizedAccuracy, r.outputBoundLog2, net.layers.length);
 * }
 * ```
 *
 * @example
 * ```ts
 * import { loadQuantizedMnist, trainMnistVariant } from "./mod.ts";
 * // A smoke run: 2000 training / 1000 test images, short phases, nothing written.
 * const r = await trainMnistVariant("faster-relu-aq", { quick: true, progress: false });
 * const test = await loadQuantizedMnist("test", 10); // 4-bit integer inputs for the HE client
 * console.log(r.model.input, test.ints.length);
 * ```
 *
 * @module
 */
export * from "./errors.ts";
export * from "./architecture.ts";
export * from "./activation.ts";
export * from "./mnist_inputs.ts";
export * from "./cryptonets_head.ts";
export * from "./adam.ts";
export * from "./tf_network.ts";
export * from "./trainer.ts";
export * from "./fixed_point.ts";
export * from "./dyadic_coefficients.ts";
export * from "./variant_activations.ts";
export * from "./compression.ts";
export * from "./export_model.ts";
export * from "./evaluation.ts";
export * from "./variants.ts";
export * from "./result.ts";
export * from "./train_variant.ts";
export * from "./model_store.ts";
export * from "./cli.ts";
export * from "./dyadic_fit.ts";
