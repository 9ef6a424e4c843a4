/**
 * The private data as the head sees it: integer features (the HE model's inputs) of the
 * training and test splits, made by the public feature extractor (the default for images) or
 * taken raw, with the input spec that says what the integers mean.
 *
 * @module
 */
import type { InputSpec } from "../model/mod.ts";
import {
  BREAST_CANCER_FEATURES,
  loadBreastCancer,
  loadUciDigits,
  UCI_DIGITS_MAX,
} from "../datasets/mod.ts";
import type { Dataset } from "../datasets/mod.ts";
import {
  loadExtractor,
  TABULAR_QUANTIZATION,
  tabularStandardizer,
} from "../feature-extractor/mod.ts";
import { dpTabularBounds } from "./mechanisms/dp_bounds.ts";
import type { RandomSource } from "./mechanisms/random.ts";
import type { IntegerExamples } from "./train_private_head.ts";
import { UsageError } from "./errors.ts";

/** Data sets the trainer knows. */
export const DATASETS = ["uci-digits", "breast-cancer"] as const;
/** A data set name. */
export type DatasetName = typeof DATASETS[number];

/**
 * Noise multiplier of the DP bounds of tabular columns (Gaussian histogram, see
 * `dpTabularBounds`) for a training at epsilon 3 or more: on the breast cancer head at epsilon 3
 * it raises the DP-SGD noise multiplier by about 6% (PLD), and gives bounds within one 1-2-5
 * step of the data's range.
 */
export const DP_BOUNDS_NOISE_MULTIPLIER = 4;

/**
 * The bounds' noise multiplier for a target epsilon: {@linkcode DP_BOUNDS_NOISE_MULTIPLIER}
 * times `max(1, 3 / epsilon)`, so that the bounds take about the same share of a smaller budget
 * (their Gaussian's GDP parameter `1 / z` scales with the target); 4 without a target.
 *
 * @example
 * ```ts
 * import { dpBoundsNoiseMultiplier } from "./private_features.ts";
 * dpBoundsNoiseMultiplier(1); // 12
 * ```
 */
export function dpBoundsNoiseMultiplier(targetEpsilon: number | null): number {
  return DP_BOUNDS_NOISE_MULTIPLIER *
    (targetEpsilon === null ? 1 : Math.max(1, 3 / targetEpsilon));
}

/** Where the head's inputs come from: the public extractor's features, or the raw values. */
export type FeatureSource = "extractor" | "raw";

/** Integer features of both splits, with their provenance. */
export interface PrivateFeatures {
  /** The data set: a built-in name, or the base name of the user's folder or CSV file. */
  dataset: string;
  /** Where the features came from. */
  features: FeatureSource;
  /** Training split as integer inputs. */
  train: IntegerExamples;
  /** Test split as integer inputs. */
  test: IntegerExamples;
  /** What the integers mean (the model's input spec). */
  input: InputSpec;
  /** Class names. */
  classes: string[];
  /** The public extractor, when features come from one. */
  extractor?: { id: string; name: string; feature_layer: string };
  /** How raw values became integers, for the model card. */
  preprocessing: string;
  /**
   * What a DP guarantee on this data does not cover because of the preprocessing, for the card's
   * `not_covered` (added to the general list).
   */
  notCovered?: string[];
  /**
   * The bounds of a tabular standardiser, where they came from (`dp`: a DP mechanism whose cost
   * is in `train.spent`; `public` or `user`: given), for the card and for clients.
   */
  bounds?: { source: "dp" | "public" | "user"; lower: number[]; upper: number[]; method: string };
}

function examples(d: Dataset, x: Int32Array): IntegerExamples {
  return { x, y: d.y, count: d.count };
}

/**
 * Loads a private data set and turns it into integer features.
 *
 * @example
 * ```ts
 * import { loadPrivateFeatures } from "./private_features.ts";
 * const f = await loadPrivateFeatures("uci-digits", "raw");
 * console.log(f.train.count, f.input);
 * ```
 * @param options.extractor the extractor's `model.json` or folder (default: the committed one)
 * @param options.noiseRandom noise of the DP bounds of tabular columns (default: secret)
 * @param options.boundsNoiseMultiplier their noise multiplier (default
 *   {@linkcode DP_BOUNDS_NOISE_MULTIPLIER}; see {@linkcode dpBoundsNoiseMultiplier})
 * @throws {UsageError} for a combination that does not exist (e.g. raw breast-cancer values).
 */
export async function loadPrivateFeatures(
  dataset: DatasetName,
  features: FeatureSource,
  options: {
    extractor?: string | URL;
    noiseRandom?: RandomSource;
    boundsNoiseMultiplier?: number;
  } = {},
): Promise<PrivateFeatures> {
  if (dataset === "uci-digits") {
    const { train, test } = await loadUciDigits();
    if (features === "raw") {
      const input: InputSpec = { shape: [64], min: 0, max: UCI_DIGITS_MAX, scale_log2: 4 };
      return {
        dataset,
        features,
        train: examples(train, Int32Array.from(train.x)),
        test: examples(test, Int32Array.from(test.x)),
        input,
        classes: train.classes,
        preprocessing: "raw 8x8 block counts 0..16 as integers (real value = count / 16)",
      };
    }
    const extractor = await loadExtractor(options.extractor);
    try {
      if (!extractor.quantization) {
        throw new UsageError(
          `--features extractor: expected the extractor ${extractor.name} to carry a quantization ` +
            `spec, received none (use --features raw)`,
        );
      }
      return {
        dataset,
        features,
        train: examples(train, extractor.extractQuantized(train.x, train.count)),
        test: examples(test, extractor.extractQuantized(test.x, test.count)),
        input: extractor.quantization,
        classes: train.classes,
        extractor: {
          id: extractor.id,
          name: extractor.name,
          feature_layer: extractor.featureLayer,
        },
        preprocessing: `public extractor ${extractor.name} (${extractor.id.slice(0, 19)}...), ` +
          `layer ${extractor.featureLayer}, quantized to [${extractor.quantization.min}, ` +
          `${extractor.quantization.max}] at scale 2^-${extractor.quantization.scale_log2}`,
      };
    } finally {
      extractor.dispose();
    }
  }
  const { train, test } = await loadBreastCancer();
  if (features === "raw") {
    throw new UsageError(
      "--features raw: the breast-cancer measurements are unbounded reals in mixed units; use " +
        "--features extractor (the public standardizer of lib/feature-extractor/)",
    );
  }
  const bounds = dpTabularBounds(train.x, train.count, BREAST_CANCER_FEATURES, {
    noiseMultiplier: options.boundsNoiseMultiplier ?? DP_BOUNDS_NOISE_MULTIPLIER,
    ...(options.noiseRandom ? { random: options.noiseRandom } : {}),
  });
  const std = await tabularStandardizer(
    "breast-cancer-dp-bounds-sqrt",
    BREAST_CANCER_FEATURES,
    bounds.upper,
    TABULAR_QUANTIZATION,
    bounds.lower,
  );
  return {
    dataset,
    features,
    train: {
      ...examples(train, std.transformQuantized(train.x, train.count)),
      spent: [bounds.cost],
    },
    test: examples(test, std.transformQuantized(test.x, test.count)),
    input: std.quantization,
    classes: train.classes,
    extractor: { id: std.id, name: std.name, feature_layer: "standardized" },
    preprocessing: `standardizer ${std.name} (${std.id.slice(0, 19)}...): ` +
      `sqrt(clamp((x - lower) / (upper - lower), 0, 1)) with per-column ${bounds.method}; ` +
      `quantized to [${std.quantization.min}, ${std.quantization.max}] at scale ` +
      `2^-${std.quantization.scale_log2}`,
    bounds: { source: "dp", lower: bounds.lower, upper: bounds.upper, method: bounds.method },
  };
}
