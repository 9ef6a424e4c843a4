/**
 * The public feature extractor, run by the client in plaintext: a small CNN pretrained on public
 * MNIST (reduced to the UCI 8 x 8 format) whose ReLU6 feature layer is cut off, quantized to a
 * few bits with a spec derived from public data, and encrypted for the HE head. Any tfjs layers
 * or graph model can be swapped in, with the feature layer chosen by name. Each extractor has a
 * content identifier (`extractor.id`) that heads and the server record.
 *
 * @example
 * ```ts
 * import { loadExtractor } from "./mod.ts";
 * import { loadUciDigits } from "../datasets/mod.ts";
 *
 * const extractor = await loadExtractor(); // the committed models/extractor/, offline
 * const { test } = await loadUciDigits(); // raw 8x8 block counts 0..16
 * const features = extractor.extract(test.x, test.count); // 500 x featureDim, in [0, 6]
 * const ints = extractor.extractQuantized(test.x, test.count); // in [quantization.min, max]
 * console.log(extractor.id, extractor.featureDim, extractor.quantization);
 * extractor.dispose();
 * ```
 *
 * @module
 */
export * from "./errors.ts";
export * from "./content_hash.ts";
export * from "./metadata.ts";
export * from "./model_files.ts";
export * from "../model/input_spec.ts";
export * from "./uci_reduction.ts";
export * from "./image_input.ts";
export type { DecodedImage } from "../datasets/mod.ts";
export * from "./extractor.ts";
export * from "./tabular_standardizer.ts";
export * from "./pretrain.ts";
export * from "./preprocess.ts";
export * from "./reduction.ts";
export * from "./public_quantization.ts";
export * from "./pipeline.ts";
export * from "./scatternet.ts";
export * from "./training_pipeline.ts";
