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
 * The experiment in files:
 *
 * - what is trained: `variants.ts` (every hyperparameter), `architecture.ts`,
 *   `cryptonets_head.ts`, `activation.ts`, `variant_activations.ts`, `dyadic_fit.ts`;
 * - how: `train_variant.ts` (the steps of one variant), `trainer.ts` (one phase: Adam with a
 *   cosine schedule, from `lib/dp-training`), `tf_network.ts`, `compression.ts` (pruning and INQ
 *   through `lib/dp-training`), `fixed_point.ts`, `export_model.ts`, `evaluation.ts`;
 * - the models: `model_store.ts`, `result.ts`, `summary_report.ts` (`deno task train:mnist`);
 * - the measurement (`deno task reproduce:mnist`): `reproduce/variant_row.ts` (accuracy, SIMD
 *   batch, poly latency), `reproduce/packed_row.ts` (CKKS), `reproduce/report.ts` (table,
 *   `results.json`, charts), and `parallel/` (the plaintext moduli of a plan in workers).
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
 * @example
 * ```ts ignore
 * // The reproduction, row by row (what scripts/reproduce_mnist.ts does).
 * import {
 *   getMnistVariant, loadQuantizedMnist, measureVariant, reproductionResult, writeReport,
 * } from "./mod.ts";
 * const setup = {
 *   test: await loadQuantizedMnist("test"), images: 100, latencyImages: 3,
 *   baselinePolyMaxS: 400, workers: 2, log: console.error,
 * };
 * const rows = [await measureVariant(await getMnistVariant("faster-relu-aq"), setup)];
 * const result = reproductionResult(rows, null, { images: 100, quick: false, totalS: 0 });
 * await writeReport("results/mnist", result, { latencyImages: 3, baselinePolyMaxS: 400, workers: 2 });
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
/** The model format the experiment exports (types only). */
export type * from "../../lib/model/mod.ts";
export {
  measureVariant,
  type PlanReport,
  type ReproduceSetup,
  type VariantReport,
} from "./reproduce/variant_row.ts";
export { measurePackedRow, type PackedRow } from "./reproduce/packed_row.ts";
export {
  logPackedKeys,
  measurePackedKeys,
  type PackedKeysResult,
  writePackedKeys,
} from "./reproduce/packed_keys.ts";
export {
  logSummary,
  type ReproductionResult,
  reproductionResult,
  resultJson,
  type RunInfo,
  writeReport,
} from "./reproduce/report.ts";
export type { HopCounts, LayerHops } from "../../lib/he-head/mod.ts";
