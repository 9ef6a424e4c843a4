/**
 * The user's own data as the head's integer features: a folder of class sub-folders of images
 * (see `own_images.ts`) or a CSV file (see `own_table.ts`), chosen by what `--data` names.
 *
 * @module
 */
import type { DecodedImage } from "../datasets/mod.ts";
import type { InputSpec } from "../model/mod.ts";
import type { PrivateFeatures } from "./private_features.ts";
import type { RandomSource } from "./mechanisms/random.ts";
import { imageFolderFeatures } from "./own_images.ts";
import { csvTableFeatures } from "./own_table.ts";

/** Seed of the split of a user's data unless `--split-seed` says otherwise. */
export const OWN_DATA_SPLIT_SEED = "faster-cryptonets/own-data/v1";

/** The model card's `not_covered` entry when the class names come from the private data. */
export const CLASSES_FROM_DATA: string =
  "class names read from the private data's labels (pass --classes " +
  "to state them publicly): a label that occurs once names its record";

/**
 * What the image loader needs of an extractor that brings its own image preprocessing (the
 * `FeaturePipeline` of `lib/feature-extractor` has all of it).
 */
export interface ImagePipeline {
  /** Content id of the extractor. */
  readonly id: string;
  /** Name for people. */
  readonly name: string;
  /** The feature layer or node. */
  readonly featureLayer: string;
  /** Shape of one raw input. */
  readonly inputShape: number[];
  /** Features per example. */
  readonly featureDim: number;
  /** How features become the head's integers (required to train). */
  readonly quantization: InputSpec | undefined;
  /** The extractor's raw input for one image (`prod(inputShape)` values). */
  toInput(image: DecodedImage): Float32Array;
  /** Integer features of `count` raw inputs. */
  extractQuantized(x: Float32Array, count: number): Int32Array;
}

/** Where the user's data is and how to read it. */
export interface OwnDataOptions {
  /** A folder of class sub-folders, or a `.csv` file. */
  data: string;
  /** Held-out data in the same form; when absent a split of `data` is held out. */
  testData?: string;
  /** Share of `data` held out for testing (stratified, seeded), in `[0, 1)`. */
  testFraction: number;
  /** Seed of the split. */
  splitSeed: string;
  /**
   * The PUBLIC class names (`--classes`), in the model's order; a CSV label or class folder not
   * among them is a `DataError`. When absent the names are read from the private data, and
   * the features' `notCovered` says so ({@linkcode CLASSES_FROM_DATA}).
   */
  classes?: string[];
  /** CSV: the label column. */
  label?: string;
  /** CSV: columns to leave out. */
  ignore?: string[];
  /**
   * CSV: public upper bound of every column, or per column name; or `"dp"`: lower and upper
   * bounds estimated by `dpTabularBounds`, whose cost the training split carries into the
   * ledger (`IntegerExamples.spent`).
   */
  upperBounds?: number | Record<string, number> | "dp";
  /** CSV with `upperBounds: "dp"`: the noise source of the bounds (default: secret). */
  boundsRandom?: RandomSource;
  /** CSV with `upperBounds: "dp"`: the bounds' noise multiplier (default 4). */
  boundsNoiseMultiplier?: number;
  /** Images: the extractor's `model.json` or folder (default: the committed one). */
  extractor?: string | URL;
  /**
   * Images: an extractor with its own image preprocessing (a `FeaturePipeline` of
   * `lib/feature-extractor`, e.g. from `trainingPipeline`), used instead of `extractor` with
   * the UCI 8x8 reduction; the caller keeps it (and disposes of it).
   */
  pipeline?: ImagePipeline;
  /** Progress of the feature extraction: images done, total, phase. */
  onProgress?: (done: number, total: number, phase: string) => void;
}

/**
 * Loads the user's data: a path ending in `.csv` (any case) is a CSV file, anything else a
 * folder of images.
 *
 * @returns the features, and the files skipped in an image folder (not images, hidden).
 * @throws {DataError} naming the file, line or column of anything unusable.
 * @throws {UsageError} for a missing `--label` (CSV), public bounds (CSV), or an extractor
 *   without quantization (images).
 *
 * @example
 * ```ts
 * import { loadOwnData, OWN_DATA_SPLIT_SEED } from "./own_data.ts";
 * const data = await loadOwnData({ data: "my-images", testFraction: 0.2,
 *   splitSeed: OWN_DATA_SPLIT_SEED });
 * console.log(data.classes, data.train.count, data.test.count, data.ignored);
 * ```
 */
export async function loadOwnData(
  o: OwnDataOptions,
): Promise<PrivateFeatures & { ignored: string[] }> {
  if (/\.csv$/i.test(o.data)) return { ...await csvTableFeatures(o), ignored: [] };
  return await imageFolderFeatures(o);
}
