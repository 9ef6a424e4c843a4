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
 * import { compileModel } from "../../lib/model/mod.ts";
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
export { MnistVariantError } from "./errors.ts";
export {
  type ActivationChoice,
  checkVariantName,
  type CompressionChoice,
  VARIANT_NAMES,
  type VariantConfig,
  type VariantName,
  VARIANTS,
} from "./variants.ts";
export type { PolynomialActivation } from "./activation.ts";
export type { LayerSparsity } from "./evaluation.ts";
export {
  loadQuantizedMnist,
  MNIST_INPUT_SPEC,
  type QuantizedMnist,
  quantizePixels,
} from "./mnist_inputs.ts";
export {
  loadMnistData,
  type MnistData,
  trainMnistVariant,
  type TrainVariantOptions,
} from "./train_variant.ts";
export type { MnistVariantResult, StageRecord, VariantSummary } from "./result.ts";
export {
  getMnistVariant,
  type GetVariantOptions,
  loadMnistVariant,
  MNIST_MODELS_DIR,
  saveMnistVariant,
  type StoreOptions,
  variantModelFiles,
} from "./model_store.ts";
export { reportJson, reportTable, type VariantReportJson } from "./summary_report.ts";
export type { InputSpec, ModelMetadata, QuantizedModel } from "../../lib/model/mod.ts";
