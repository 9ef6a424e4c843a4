/**
 * Compression of the trained head and its export: progressive magnitude pruning, incremental
 * power-of-two quantization of the weights, and export of the compressed head to the quantized
 * model format (dyadic biases and activation coefficients).
 *
 * @example
 * ```ts
 * import { numberToDyadic, pruningSchedule, roundToPow2 } from "./mod.ts";
 * pruningSchedule(0.5, 3); // [0.3518..., 0.4814..., 0.5]: sparsity targets, step by step
 * roundToPow2(0.3, { minExponent: -4, maxExponent: 0 }); // 0.25
 * numberToDyadic(0.375); // 3 * 2^-3
 * ```
 *
 * @module
 */
// The model format the head is exported to (its types document exportHead).
export {
  type ActivationLayer,
  type BiasLayer,
  type Conv2dLayer,
  type DenseLayer,
  type Dyadic,
  type FlattenLayer,
  type InputSpec,
  type IntWeights,
  type Layer,
  MODEL_FORMAT,
  MODEL_FORMAT_VERSION,
  type ModelMetadata,
  NOISE_SOURCES,
  type NoiseSource,
  type PoolLayer,
  type Pow2Weights,
  type PrivacyMetadata,
  type QuantizedModel,
  type WeightTensor,
} from "../../model/mod.ts";
export type { Head, HeadLayer } from "../training/mod.ts";
export * from "./pruning.ts";
export * from "./pow2_quantization.ts";
export * from "./export_model.ts";
