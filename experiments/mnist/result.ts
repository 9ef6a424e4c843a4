/**
 * What training a variant produced, and its JSON form: the same numbers are kept in the exported
 * model's `metadata` (`accuracy` and `mnist_experiment`), so a cached model reports them without
 * retraining.
 *
 * @module
 */
import type { ModelMetadata, QuantizedModel } from "../../lib/model/mod.ts";
import type { LayerSparsity } from "./evaluation.ts";
import { MnistVariantError } from "./errors.ts";
import { checkVariantName, type VariantConfig, type VariantName } from "./variants.ts";

/** Float test accuracy after one phase of training. */
export interface StageRecord {
  /** e.g. `dense`, `prune 2/4`, `inq 75%`, `int rounding + bias fine-tune`. */
  stage: string;
  /** Float test accuracy afterwards. */
  accuracy: number;
  /** Wall-clock seconds of the phase. */
  seconds: number;
  /** Per-layer sparsity afterwards (conv1, fc1, fc2). */
  sparsity: number[];
}

/** The measured facts about a trained variant (everything but the model itself). */
export interface VariantSummary {
  /** The variant. */
  name: VariantName;
  /**
   * Test accuracy of the float TensorFlow.js network (with the polynomial activation) just before
   * its weights are quantized: for `int` variants the trained float weights, for `pow2` variants
   * the pruned network before INQ.
   */
  floatAccuracy: number;
  /** Test accuracy of the exported integer model (exact integer inference). */
  quantizedAccuracy: number;
  /** Fraction of test images where the final float network and the integer model agree. */
  agreement: number;
  /** Test images the accuracies are measured on. */
  testImages: number;
  /** Training images used. */
  trainImages: number;
  /** Per weighted layer of the exported model. */
  sparsity: LayerSparsity[];
  /** `log2` of the worst-case logit magnitude (`outputBound(net, "simd")`). */
  outputBoundLog2: number;
  /** Wall-clock seconds of the whole training. */
  trainingSeconds: number;
  /** Every phase, in order. */
  stages: StageRecord[];
  /** Activation coefficients after conv1 and fc1 (real values). */
  activations: { kind: string; coefficients: number[] }[];
  /** Seed of the run. */
  seed: number;
  /** Whether this was a quick (smoke) run on a small subset. */
  quick: boolean;
  /** The configuration trained with. */
  config: VariantConfig;
  /** Backend of TensorFlow.js. */
  backend: string;
}

/** A trained (or loaded) variant. */
export interface MnistVariantResult extends VariantSummary {
  /** The exported model. */
  model: QuantizedModel;
  /** True when read from `models/mnist/` rather than trained in this call. */
  cached: boolean;
}

/** Key of the summary in the model's metadata. */
const METADATA_KEY = "mnist_experiment";

/** The model card fields written into the exported model. */
export function summaryMetadata(s: VariantSummary, description: string): ModelMetadata {
  return {
    description,
    accuracy: { float: s.floatAccuracy, quantized: s.quantizedAccuracy },
    [METADATA_KEY]: s,
  };
}

/**
 * The summary kept in a model's metadata.
 *
 * @throws {MnistVariantError} when the model has none (it was not written by this module).
 */
export function summaryFromModel(model: QuantizedModel): VariantSummary {
  const s = model.metadata?.[METADATA_KEY] as VariantSummary | undefined;
  if (!s || typeof s !== "object" || typeof s.quantizedAccuracy !== "number") {
    throw new MnistVariantError(
      `model ${model.name}: expected metadata.${METADATA_KEY} with the training summary, ` +
        "received none",
    );
  }
  checkVariantName(s.name);
  return s;
}
