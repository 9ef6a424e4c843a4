/**
 * The quantized model format: the one JSON document that describes a network after pruning and
 * power-of-two quantization, shared by training (`lib/dp-training/`), the HE engine
 * (`lib/he-head/`), the edge function and the client.
 *
 * Everything is integer arithmetic with power-of-two fixed-point scales. A tensor whose integer
 * values are `v` and whose scale is `f` stands for the real values `v * 2^-f`. The documentation of
 * every field is in `docs/model_format.md`.
 *
 * @module
 */
import type { PreprocessingBlock } from "./preprocessing.ts";

/** The value of the `format` field of every quantized model document. */
export const MODEL_FORMAT = "faster-cryptonets.quantized-model";

/** The schema version this code reads and writes. */
export const MODEL_FORMAT_VERSION = 1;

/**
 * An exact dyadic rational `m * 2^e`. `m` is an integer: a JSON number when it is a safe integer,
 * or a decimal string. A coefficient is a signed power of two when `|m|` is 1 (or it is zero).
 */
export interface Dyadic {
  /** Integer mantissa. */
  m: number | string;
  /** Power-of-two exponent (may be negative). */
  e: number;
}

/**
 * How the integer inputs of the network are made from real values: `round(x * 2^scale_log2)`,
 * clamped to `[min, max]`. The scale is derived from public data only.
 */
export interface InputSpec {
  /** `[features]` for vectors, `[height, width, channels]` for images. */
  shape: number[];
  /** Smallest integer input value (inclusive). */
  min: number;
  /** Largest integer input value (inclusive). */
  max: number;
  /** Fixed-point scale of the inputs. */
  scale_log2: number;
}

/**
 * Weights after compression: each one zero or `sign * 2^exponent`. The engine multiplies by the
 * integer `sign * 2^(exponent + scale_log2)`, so `exponent + scale_log2 >= 0` for every nonzero
 * weight, and the layer adds `scale_log2` to the running scale.
 */
export interface Pow2Weights {
  /** Weight encoding: signs and power-of-two exponents. */
  kind: "pow2";
  /** Dense: `[inputs, units]`. Conv2d: `[kh, kw, in_channels, filters]`. */
  shape: number[];
  /** -1, 0 or 1 per weight, row-major over `shape`. */
  sign: number[];
  /** Exponent per weight (ignored where the sign is 0). */
  exponent: number[];
  /** The layer's fixed-point scale. */
  scale_log2: number;
}

/** Plain fixed-point integer weights (the dense baselines): real weight `value * 2^-scale_log2`. */
export interface IntWeights {
  /** Weight encoding: integers. */
  kind: "int";
  /** Same layout as {@linkcode Pow2Weights.shape}. */
  shape: number[];
  /** Integer weights, row-major over `shape`. */
  values: number[];
  /** The layer's fixed-point scale. */
  scale_log2: number;
}

/** The weights of a dense or conv2d layer. */
export type WeightTensor = Pow2Weights | IntWeights;

/** Fully connected layer on a 1-D input. */
export interface DenseLayer {
  /** Layer type. */
  type: "dense";
  /** Optional name (errors and reports use `<type>#<index>` without one). */
  name?: string;
  /** Number of outputs. */
  units: number;
  /** `[inputs, units]`. */
  weights: WeightTensor;
}

/** 2-D convolution over an `[h, w, c]` input (cross-correlation, as in TensorFlow). */
export interface Conv2dLayer {
  /** Layer type. */
  type: "conv2d";
  /** Optional name (errors and reports use `<type>#<index>` without one). */
  name?: string;
  /** Number of filters (output channels). */
  filters: number;
  /** `[kh, kw]`. */
  kernel: [number, number];
  /** `[sh, sw]`. */
  strides: [number, number];
  /** `"valid"`, `"same"` (TensorFlow's rule) or explicit `[top, bottom, left, right]` zeros. */
  padding: "valid" | "same" | [number, number, number, number];
  /** `[kh, kw, in_channels, filters]`. */
  weights: WeightTensor;
}

/** Adds an integer per channel (the last dimension) at the running scale. */
export interface BiasLayer {
  /** Layer type. */
  type: "bias";
  /** Optional name (errors and reports use `<type>#<index>` without one). */
  name?: string;
  /** Integers (JSON numbers when safe, decimal strings otherwise), one per channel. */
  values: (number | string)[];
  /** Must equal the running scale at this point of the network. */
  scale_log2: number;
}

/**
 * Sum or average pooling over `[h, w, c]` windows (no padding). Average pooling is a sum pooling
 * whose window size is a power of two, folded into the running scale.
 */
export interface PoolLayer {
  /** Layer type: a sum, or an average over a power-of-two window. */
  type: "sum_pool" | "average_pool";
  /** Optional name (errors and reports use `<type>#<index>` without one). */
  name?: string;
  /** `[ph, pw]`. */
  pool: [number, number];
  /** `[sh, sw]`. */
  strides: [number, number];
}

/** Row-major flattening of an `[h, w, c]` tensor into a vector (TensorFlow's order). */
export interface FlattenLayer {
  /** Layer type. */
  type: "flatten";
  /** Optional name (errors and reports use `<type>#<index>` without one). */
  name?: string;
}

/**
 * Polynomial activation `sum_i coefficients[i] * x^i` on real values. With the running scale `f`
 * and `g = max(0, -min e_i)`, the integer output is `sum_i m_i 2^(e_i + g + f (d - i)) x^i` at
 * scale `d f + g`, where `d` is the degree.
 */
export interface ActivationLayer {
  /** Layer type. */
  type: "activation";
  /** Optional name (errors and reports use `<type>#<index>` without one). */
  name?: string;
  /** A label for people: "square", "relu-aq", "swish-aq", "relu-ls3", ... */
  kind: string;
  /** Ascending powers: `[c0, c1, c2, ...]`; the last one is nonzero. */
  coefficients: Dyadic[];
}

/** Any layer of the format. */
export type Layer =
  | DenseLayer
  | Conv2dLayer
  | BiasLayer
  | PoolLayer
  | FlattenLayer
  | ActivationLayer;

/**
 * Where the DP noise (and the Poisson sampling) of a training came from: `"crypto"` is
 * `crypto.getRandomValues`, secret, and the guarantee holds; `"seeded"` is a seeded,
 * reproducible generator: anyone who knows the seed can replay the noise, so the model is NOT
 * private (experiments and tests only).
 */
export const NOISE_SOURCES = ["crypto", "seeded"] as const;

/** One of {@linkcode NOISE_SOURCES}. */
export type NoiseSource = typeof NOISE_SOURCES[number];

/**
 * The differential-privacy claim of the training that produced the weights
 * (`metadata.privacy`). Its absence means the model makes no DP claim.
 */
export interface PrivacyMetadata {
  /** Total epsilon over every phase that touched the private training data (> 0). */
  epsilon: number;
  /** Delta, in [0, 1). */
  delta: number;
  /** How the guarantee was computed, for people. */
  accountant?: string;
  /** Where the noise came from; the guarantee holds only for `"crypto"`. */
  noise_source: NoiseSource;
  /** What the guarantee does not cover (hyperparameter search, test-split figures, ...). */
  not_covered?: string[];
  /** Further fields a producer may add. */
  [key: string]: unknown;
}

/** Everything a model card carries; free to extend, never secret. */
export interface ModelMetadata {
  /** Free text for people. */
  description?: string;
  /** Content hash (and name) of the public feature extractor the head expects. */
  extractor?: { id: string; name?: string; feature_layer?: string };
  /** The differential-privacy guarantee of the training that produced the weights. */
  privacy?: PrivacyMetadata;
  /** Measured accuracies, fractions in [0, 1]. */
  accuracy?: Record<string, number>;
  /** Further fields a producer may add (the model card, for example). */
  [key: string]: unknown;
}

/** A quantized model document. */
export interface QuantizedModel {
  /** The format identifier, {@linkcode MODEL_FORMAT}. */
  format: typeof MODEL_FORMAT;
  /** The format version, {@linkcode MODEL_FORMAT_VERSION}. */
  version: typeof MODEL_FORMAT_VERSION;
  /** Model name. */
  name: string;
  /** What the integer inputs are and mean. */
  input: InputSpec;
  /** The layers, in evaluation order. */
  layers: Layer[];
  /** Output labels, one per logit, when known. */
  classes?: string[];
  /** The extractor, image preprocessing and public reduction every client applies. */
  preprocessing?: PreprocessingBlock;
  /** What the model is, how it was trained and its privacy claim. */
  metadata?: ModelMetadata;
}
