/**
 * The four networks of the MNIST experiment and how each is trained:
 *
 * | variant | activation | weights | pruning |
 * |---|---|---|---|
 * | `cryptonets` | `x^2` | fixed-point | none |
 * | `cryptodl` | least-squares ReLU, degree 3, dyadic grid | fixed-point | none |
 * | `faster-relu-aq` | `0.125 x^2 + 0.5 x + 0.25` | powers of two (INQ) | progressive |
 * | `faster-swish-aq` | `0.125 x^2 + 0.5 x + 0.125` | powers of two (INQ) | progressive |
 *
 * Every hyperparameter is here, so a run is fully described by its variant, seed and `quick`.
 *
 * @module
 */
import { MnistVariantError } from "./errors.ts";

/** Names of the variants, in report order. */
export const VARIANT_NAMES = [
  "cryptonets",
  "cryptodl",
  "faster-relu-aq",
  "faster-swish-aq",
] as const;

/** A variant name. */
export type VariantName = typeof VARIANT_NAMES[number];

/** Which activation a variant uses. */
export type ActivationChoice =
  | { kind: "square" }
  | { kind: "relu-aq" }
  | { kind: "swish-aq" }
  | { kind: "relu-ls"; degree: number; tolerance: number; pretrainEpochs: number };

/** How a variant's weights are compressed. */
export type CompressionChoice =
  | { kind: "int"; bits: [number, number, number]; biasEpochs: number }
  | {
    kind: "pow2";
    /** Target sparsity of conv1, fc1, fc2. */
    sparsity: [number, number, number];
    /** Steps of the progressive (cubic) pruning schedule. */
    pruneSteps: number;
    /** Fine-tuning after each pruning step. */
    pruneEpochs: number;
    /** Exponent levels of each layer (powers of two below and including the largest). */
    levels: [number, number, number];
    /** Retraining after each INQ stage but the last. */
    inqEpochs: number;
    /** Fine-tuning of the biases after the last INQ stage (every weight is frozen then). */
    biasEpochs: number;
  };

/** Everything that defines how a variant is trained. */
export interface VariantConfig {
  /** The variant. */
  name: VariantName;
  /** One line for people. */
  description: string;
  /** The activation. */
  activation: ActivationChoice;
  /** The weight compression. */
  compression: CompressionChoice;
  /** Epochs of the first (dense float) phase. */
  epochs: number;
  /** Examples per step. */
  batchSize: number;
  /** Peak learning rate of the first phase (compression phases use `fineTuneRate`). */
  learningRate: number;
  /** Peak learning rate of the pruning and quantization phases. */
  fineTuneRate: number;
  /** Random translation of training images, pixels. */
  shift: number;
  /** Decoupled weight decay. */
  weightDecay: number;
  /** Global gradient-norm clipping. */
  clipNorm: number;
  /** Initialisation gain. */
  gain: number;
}

const COMMON = {
  epochs: 15,
  batchSize: 64,
  learningRate: 2e-3,
  fineTuneRate: 1e-3,
  shift: 1,
  weightDecay: 0.02,
  clipNorm: 5,
  gain: 1,
} as const;

const FASTER_COMPRESSION: CompressionChoice = {
  kind: "pow2",
  sparsity: [0.5, 0.9, 0.6],
  pruneSteps: 4,
  pruneEpochs: 3,
  levels: [8, 8, 8],
  inqEpochs: 3,
  biasEpochs: 0.5,
};

/** The configuration of every variant. */
export const VARIANTS: Readonly<Record<VariantName, Readonly<VariantConfig>>> = Object.freeze({
  cryptonets: {
    ...COMMON,
    name: "cryptonets",
    description: "CryptoNets: square activation, dense 6-bit fixed-point weights",
    activation: { kind: "square" },
    compression: { kind: "int", bits: [6, 6, 6], biasEpochs: 1 },
  },
  cryptodl: {
    ...COMMON,
    name: "cryptodl",
    description: "CryptoDL style: degree-3 least-squares ReLU polynomial, dense fixed-point " +
      "weights (5-bit conv1, 6-bit fc1 and fc2)",
    activation: { kind: "relu-ls", degree: 3, tolerance: 0.05, pretrainEpochs: 3 },
    compression: { kind: "int", bits: [5, 6, 6], biasEpochs: 1 },
  },
  "faster-relu-aq": {
    ...COMMON,
    name: "faster-relu-aq",
    description: "Faster CryptoNets: pruned, power-of-two weights (INQ), ReLU-AQ activation",
    activation: { kind: "relu-aq" },
    compression: FASTER_COMPRESSION,
  },
  "faster-swish-aq": {
    ...COMMON,
    name: "faster-swish-aq",
    description: "Faster CryptoNets: pruned, power-of-two weights (INQ), Swish-AQ activation",
    activation: { kind: "swish-aq" },
    compression: FASTER_COMPRESSION,
  },
});

/**
 * Checks a variant name.
 *
 * @throws {MnistVariantError} listing the valid names.
 */
export function checkVariantName(name: string): VariantName {
  if (!(VARIANT_NAMES as readonly string[]).includes(name)) {
    throw new MnistVariantError(
      `expected a variant among ${VARIANT_NAMES.join(", ")}, received ${JSON.stringify(name)}`,
    );
  }
  return name as VariantName;
}

/**
 * The quick configuration (smoke tests): one short epoch per phase, one pruning step.
 */
export function quickConfig(config: VariantConfig): VariantConfig {
  const c = config.compression;
  return {
    ...config,
    epochs: 1,
    activation: config.activation.kind === "relu-ls"
      ? { ...config.activation, pretrainEpochs: 1 }
      : config.activation,
    compression: c.kind === "int"
      ? { ...c, biasEpochs: 0.25 }
      : { ...c, pruneSteps: 1, pruneEpochs: 0.25, inqEpochs: 0.25, biasEpochs: 0.25 },
  };
}
