/**
 * The model file's `preprocessing` block: which public extractor the head expects (by content
 * id), how a client turns an image into that extractor's input, and the public linear reduction
 * applied to the extractor's features before quantization. Every client applies exactly this
 * block (through `lib/feature-extractor`'s `ModelPipeline`), so none can silently differ.
 *
 * @module
 */
import { ModelFormatError } from "./errors.ts";

/** Resize rules for images whose size differs from the extractor's input. */
export const RESIZE_RULES = ["bilinear", "nearest"] as const;

/** One of {@linkcode RESIZE_RULES}. */
export type ResizeRule = typeof RESIZE_RULES[number];

/** The public extractor a head was trained on. */
export interface ExtractorRef {
  /** Content id (`sha256:` + hex over `model.json` and the weight files). */
  id: string;
  /** Name for people. */
  name?: string;
  /** Layer (layers model) or node (graph model) whose output is the feature vector. */
  feature_layer: string;
  /**
   * Where the model was loaded from when the head was trained, as given (a path relative to the
   * working directory, or a URL): a hint for clients, not an identity (the id is).
   */
  source?: string;
}

/**
 * How an image (pixel values 0..255, any size, grey or colour) becomes the extractor's input:
 * converted to `channels` (grey = luma 0.299 R + 0.587 G + 0.114 B; grey to colour = repeated;
 * alpha composited on white), resized to
 * `height x width` by `resize`, then `x * scale + offset`, then `(x - mean[c]) / std[c]`.
 */
export interface ImagePreprocessing {
  /** Input height in pixels. */
  height: number;
  /** Input width in pixels. */
  width: number;
  /** 1 (grey) or 3 (RGB). */
  channels: 1 | 3;
  /** Resize rule (align-corners false, half-pixel centres, as TensorFlow's `resizeBilinear`). */
  resize: ResizeRule;
  /** Multiplier of the 0..255 pixel values (e.g. 1/255). */
  scale: number;
  /** Added after scaling (e.g. -1 for [-1, 1] inputs with scale 2/255). */
  offset: number;
  /** Per-channel mean subtracted after scale and offset (default zeros). */
  mean?: number[];
  /** Per-channel standard deviation divided by last (default ones). */
  std?: number[];
}

/**
 * A public linear map applied to the extractor's features, in plaintext on the client:
 * `y = matrix . (x - mean)` (`matrix` is `output_dim x input_dim`, row-major). Fitted on public
 * data only (PCA) or drawn from a seed (random projection); `source` says which.
 */
export interface LinearReduction {
  /** How the matrix was made. */
  kind: "pca" | "random_projection";
  /** Width of the extractor's features. */
  input_dim: number;
  /** Width of the head's input. */
  output_dim: number;
  /** `input_dim` values subtracted first (zeros for a projection). */
  mean: number[];
  /** `output_dim * input_dim` values, row-major. */
  matrix: number[];
  /** For people: the public data set or the seed it came from. */
  source: string;
}

/** The `preprocessing` block of a model file. */
export interface PreprocessingBlock {
  /** The extractor the head expects; a client refuses any other id. */
  extractor: ExtractorRef;
  /** Image preprocessing (absent when the inputs are not images). */
  image?: ImagePreprocessing;
  /** Public reduction of the features (absent: the features are the head's input). */
  reduction?: LinearReduction;
}

/** Largest reduction matrix accepted (entries). */
const MAX_REDUCTION_ENTRIES = 4_000_000;

type Obj = Record<string, unknown>;

function fail(path: string, expected: string, got: unknown): never {
  const seen = Array.isArray(got)
    ? `an array of length ${got.length}`
    : got === undefined
    ? "nothing"
    : JSON.stringify(got)?.slice(0, 60) ?? String(got);
  throw new ModelFormatError(
    `model.preprocessing.${path}`,
    `expected ${expected}, received ${seen}`,
  );
}

function object(v: unknown, path: string): Obj {
  if (typeof v !== "object" || v === null || Array.isArray(v)) fail(path, "an object", v);
  return v as Obj;
}

function posInt(v: unknown, path: string, max: number): number {
  if (!Number.isInteger(v) || (v as number) < 1 || (v as number) > max) {
    fail(path, `an integer in [1, ${max}]`, v);
  }
  return v as number;
}

function finite(v: unknown, path: string): number {
  if (typeof v !== "number" || !Number.isFinite(v)) fail(path, "a finite number", v);
  return v as number;
}

function numbers(v: unknown, path: string, length: number, positive = false): number[] {
  if (!Array.isArray(v) || v.length !== length) fail(path, `an array of ${length} numbers`, v);
  (v as unknown[]).forEach((x, i) => {
    finite(x, `${path}[${i}]`);
    if (positive && !((x as number) > 0)) fail(`${path}[${i}]`, "a number > 0", x);
  });
  return v as number[];
}

/**
 * Validates an {@linkcode ImagePreprocessing} block (of a model file, or of an extractor's own
 * metadata).
 *
 * @throws {ModelFormatError} naming the field (`model.preprocessing.image.channels`, ...).
 */
export function checkImagePreprocessing(v: unknown): ImagePreprocessing {
  const im = object(v, "image");
  posInt(im.height, "image.height", 4096);
  posInt(im.width, "image.width", 4096);
  if (im.channels !== 1 && im.channels !== 3) fail("image.channels", "1 or 3", im.channels);
  if (!(RESIZE_RULES as readonly unknown[]).includes(im.resize)) {
    fail("image.resize", RESIZE_RULES.join(" or "), im.resize);
  }
  if (finite(im.scale, "image.scale") === 0) fail("image.scale", "a nonzero number", im.scale);
  finite(im.offset, "image.offset");
  if (im.mean !== undefined) numbers(im.mean, "image.mean", im.channels as number);
  if (im.std !== undefined) numbers(im.std, "image.std", im.channels as number, true);
  return im as unknown as ImagePreprocessing;
}

function checkReduction(v: unknown, featureDim: number): void {
  const r = object(v, "reduction");
  if (r.kind !== "pca" && r.kind !== "random_projection") {
    fail("reduction.kind", '"pca" or "random_projection"', r.kind);
  }
  const n = posInt(r.input_dim, "reduction.input_dim", MAX_REDUCTION_ENTRIES);
  const m = posInt(r.output_dim, "reduction.output_dim", n);
  if (m !== featureDim) {
    fail("reduction.output_dim", `the head's input width ${featureDim}`, m);
  }
  if (n * m > MAX_REDUCTION_ENTRIES) {
    fail("reduction", `at most ${MAX_REDUCTION_ENTRIES} matrix entries`, n * m);
  }
  numbers(r.mean, "reduction.mean", n);
  numbers(r.matrix, "reduction.matrix", n * m);
  if (typeof r.source !== "string" || r.source.trim() === "") {
    fail("reduction.source", "a non-empty string (the public data or seed)", r.source);
  }
}

/**
 * Validates a model's `preprocessing` block against the head's input width `featureDim`.
 *
 * @throws {ModelFormatError} naming the field (`model.preprocessing.image.resize`, ...), what was
 *   expected and what was received.
 */
export function checkPreprocessing(v: unknown, featureDim: number): PreprocessingBlock {
  const p = object(v, "");
  const e = object(p.extractor, "extractor");
  if (typeof e.id !== "string" || !/^sha256:[0-9a-f]{64}$/.test(e.id)) {
    fail("extractor.id", '"sha256:" and 64 hex digits', e.id);
  }
  if (typeof e.feature_layer !== "string" || e.feature_layer === "") {
    fail("extractor.feature_layer", "a layer or node name", e.feature_layer);
  }
  for (const key of ["name", "source"]) {
    if (e[key] !== undefined && typeof e[key] !== "string") {
      fail(`extractor.${key}`, "a string", e[key]);
    }
  }
  if (p.image !== undefined) checkImagePreprocessing(p.image);
  if (p.reduction !== undefined) checkReduction(p.reduction, featureDim);
  return p as unknown as PreprocessingBlock;
}
