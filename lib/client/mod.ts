/**
 * The client of the encrypted-inference edge function (Deno or browser): fetch the model
 * description, check the extractor, generate and register keys, encrypt quantized features,
 * send, decrypt.
 *
 * @example
 * ```ts
 * import { HeadClient } from "./mod.ts";
 * const client = await HeadClient.connect("http://127.0.0.1:8000");
 * using session = await client.session("poly");
 * const features = new Array(client.description.input.shape[0]).fill(0);
 * const { predictions, probabilities } = await session.classify(features, 1);
 * console.log(predictions[0], probabilities[0]);
 * ```
 *
 * @module
 */
export * from "./head_client.ts";
export * from "./digit_image.ts";
export * from "./image_features.ts";
export type { PixelImage } from "../feature-extractor/mod.ts";
export type {
  ExtractorRef,
  ImagePreprocessing,
  InputSpec,
  LinearReduction,
  PreprocessingBlock,
  ResizeRule,
} from "../model/mod.ts";
export { RESIZE_RULES } from "../model/mod.ts";
