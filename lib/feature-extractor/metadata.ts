/**
 * The extractor's own description, stored in its `model.json` under
 * `userDefinedMetadata.extractor` so it is covered by the content hash.
 *
 * @module
 */
import {
  checkImagePreprocessing,
  type ImagePreprocessing,
  type InputSpec,
  ModelFormatError,
} from "../model/mod.ts";
import { ExtractorError } from "./errors.ts";

/** Value of {@linkcode ExtractorMetadata.format}. */
export const EXTRACTOR_FORMAT = "faster-cryptonets.extractor";

/** What an extractor's `model.json` says about itself. */
export interface ExtractorMetadata {
  /** Always {@linkcode EXTRACTOR_FORMAT}. */
  format: typeof EXTRACTOR_FORMAT;
  /** Schema version, 1. */
  version: 1;
  /** Name for people, e.g. `"mnist-uci8x8-cnn"`. */
  name: string;
  /** Name of the layer whose output is the feature vector. */
  feature_layer: string;
  /** The raw inputs the client passes in. */
  input: {
    /** Shape of one raw input, e.g. `[8, 8, 1]`. */
    shape: number[];
    /** The network sees `raw * scale` (e.g. 1/16 for UCI block counts). */
    scale: number;
    /** What the raw values are, for people. */
    units: string;
  };
  /**
   * How features become the integers of the HE head's input (derived from public data); absent
   * when heads derive their own (after a reduction, for example).
   */
  quantization?: InputSpec;
  /** How a client turns an image into the model's input (the model file copies it). */
  preprocessing?: ImagePreprocessing;
  /** Bounds every feature value is guaranteed to lie in (e.g. `[0, 6]` after ReLU6). */
  feature_bounds?: [number, number];
  /** How the extractor was trained and what it scored (free form). */
  training?: Record<string, unknown>;
}

/**
 * Validates the `extractor` entry of a model's `userDefinedMetadata`.
 *
 * @returns `undefined` when there is no such entry (a third-party model).
 * @throws {ExtractorError} when the entry is present but malformed.
 */
export function parseExtractorMetadata(userDefined: unknown): ExtractorMetadata | undefined {
  if (typeof userDefined !== "object" || userDefined === null) return undefined;
  const m = (userDefined as Record<string, unknown>).extractor as Record<string, unknown>;
  if (m === undefined) return undefined;
  const fail = (field: string, expected: string, got: unknown): never => {
    throw new ExtractorError(
      `userDefinedMetadata.extractor.${field}: expected ${expected}, received ` +
        JSON.stringify(got)?.slice(0, 60),
    );
  };
  if (typeof m !== "object" || m === null) return fail("", "an object", m);
  if (m.format !== EXTRACTOR_FORMAT) fail("format", JSON.stringify(EXTRACTOR_FORMAT), m.format);
  if (m.version !== 1) fail("version", "1", m.version);
  if (typeof m.name !== "string") fail("name", "a string", m.name);
  if (typeof m.feature_layer !== "string") fail("feature_layer", "a string", m.feature_layer);
  const input = m.input as Record<string, unknown> | undefined;
  if (typeof input !== "object" || input === null) fail("input", "an object", input);
  if (!isShape(input!.shape)) fail("input.shape", "an array of positive integers", input!.shape);
  if (typeof input!.scale !== "number" || !(input!.scale > 0)) {
    fail("input.scale", "a positive number", input!.scale);
  }
  if (m.quantization !== undefined) checkQuantization(m.quantization, fail);
  if (m.preprocessing !== undefined) {
    try {
      checkImagePreprocessing(m.preprocessing);
    } catch (e) {
      if (!(e instanceof ModelFormatError)) throw e;
      throw new ExtractorError(
        `userDefinedMetadata.extractor.preprocessing: ${
          e.message.replace("model.preprocessing.image", "")
        }`,
      );
    }
  }
  return m as unknown as ExtractorMetadata;
}

function checkQuantization(
  v: unknown,
  fail: (field: string, expected: string, got: unknown) => never,
): void {
  const q = v as Record<string, unknown> | undefined;
  if (typeof q !== "object" || q === null) fail("quantization", "an object", q);
  if (!isShape(q!.shape)) fail("quantization.shape", "an array of positive integers", q!.shape);
  for (const key of ["min", "max", "scale_log2"]) {
    if (!Number.isInteger(q![key])) fail(`quantization.${key}`, "an integer", q![key]);
  }
  if ((q!.min as number) > (q!.max as number)) {
    fail("quantization.max", `an integer >= min (${q!.min})`, q!.max);
  }
}

function isShape(v: unknown): v is number[] {
  return Array.isArray(v) && v.length > 0 && v.every((d) => Number.isInteger(d) && d > 0);
}
