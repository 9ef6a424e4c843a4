/**
 * The extractor options of `deno task train --data DIR` (any tfjs layers or graph model, its
 * feature layer, the image preprocessing, a public reduction and the public data that fits it),
 * parsed into {@linkcode TrainExtractorOptions}; every bad value is a {@linkcode UsageError}
 * naming the option.
 *
 * @module
 */
import { RESIZE_RULES } from "../../lib/model/mod.ts";
import type { TrainingPipelineOptions } from "../../lib/feature-extractor/mod.ts";
import { UsageError } from "./usage.ts";
import { choice, int, num } from "./option_values.ts";

/** What the extractor options ask for (absent: the committed UCI extractor path). */
export interface TrainExtractorOptions {
  /** The pipeline options, when any extractor option beyond `--extractor` was given. */
  extractorPipeline?: Omit<TrainingPipelineOptions, "extractor" | "onProgress">;
}

/** The usage lines. */
export const TRAIN_EXTRACTOR_USAGE =
  `  --feature-layer NAME                 layer (layers model) or node (graph model) whose output
                                       is the feature vector (default: the extractor's metadata);
                                       with --data DIR, any of these options switches to the
                                       generic path (preprocessing written into the model file):
  --input-size HxW                     extractor input size (default: the model's or metadata's)
  --channels 1|3                       grey or RGB input (default: the model's)
  --resize bilinear|nearest            resize rule for other sizes (default bilinear)
  --pixel-scale S --pixel-offset O     input = pixel(0..255) * S + O (default 1/255, 0)
  --mean A[,B,C] --std A[,B,C]         per-channel normalisation after scaling (default 0, 1)
  --public-data DIR                    PUBLIC images (never the private ones) for the PCA and
                                       the input quantization scale
  --reduce pca:K|projection:K          public reduction of wide features to K inputs
  --input-bits B                       bits of the quantized inputs (default 4)`;

/** The `parseArgs` table of the extractor options. */
export const TRAIN_EXTRACTOR_ARGS = {
  "feature-layer": { type: "string" },
  "input-size": { type: "string" },
  channels: { type: "string" },
  resize: { type: "string" },
  "pixel-scale": { type: "string" },
  "pixel-offset": { type: "string" },
  mean: { type: "string" },
  std: { type: "string" },
  "public-data": { type: "string" },
  reduce: { type: "string" },
  "input-bits": { type: "string" },
} as const;

function list(name: string, v: string, ok: (x: number) => boolean, expected: string): number[] {
  return v.split(",").map((x) => num(name, x, ok, expected));
}

function reduceOf(v: string): { kind: "pca" | "random_projection"; dim: number } {
  const m = /^(pca|projection):(\d+)$/.exec(v.trim());
  if (!m) {
    throw new UsageError(
      `--reduce: expected pca:K or projection:K (K the head's input width), received ${
        JSON.stringify(v)
      }`,
    );
  }
  return {
    kind: m[1] === "pca" ? "pca" : "random_projection",
    dim: int("reduce", m[2], 1, 1 << 16),
  };
}

/**
 * The extractor options from `parseArgs` values.
 *
 * @throws {UsageError} for a malformed value, or any of them without `--data`.
 */
export function parseTrainExtractorArgs(
  v: Record<string, string | boolean | undefined>,
): TrainExtractorOptions {
  const s = (k: string) => v[k] as string | undefined;
  const given = Object.keys(TRAIN_EXTRACTOR_ARGS).filter((k) => s(k) !== undefined);
  if (given.length === 0) return {};
  if (s("data") === undefined || /\.csv$/i.test(s("data")!)) {
    throw new UsageError(`--${given[0]}: expected only with --data DIR (an image folder)`);
  }
  const size = s("input-size");
  const hw = size === undefined ? undefined : /^(\d+)x(\d+)$/i.exec(size.trim());
  if (size !== undefined && !hw) {
    throw new UsageError(
      `--input-size: expected HxW (e.g. 64x64), received ${JSON.stringify(size)}`,
    );
  }
  const any = (x: number) => Number.isFinite(x);
  const image = {
    ...(hw
      ? { height: int("input-size", hw[1], 1, 4096), width: int("input-size", hw[2], 1, 4096) }
      : {}),
    ...(s("channels")
      ? { channels: Number(choice("channels", s("channels")!, ["1", "3"])) as 1 | 3 }
      : {}),
    ...(s("resize") ? { resize: choice("resize", s("resize")!, RESIZE_RULES) } : {}),
    ...(s("pixel-scale")
      ? {
        scale: num("pixel-scale", s("pixel-scale")!, (x) => any(x) && x !== 0, "a nonzero number"),
      }
      : {}),
    ...(s("pixel-offset")
      ? { offset: num("pixel-offset", s("pixel-offset")!, any, "a number") }
      : {}),
    ...(s("mean") ? { mean: list("mean", s("mean")!, any, "numbers") } : {}),
    ...(s("std") ? { std: list("std", s("std")!, (x) => x > 0 && any(x), "numbers > 0") } : {}),
  };
  if (s("extractor") === undefined) {
    throw new UsageError(
      `--${given[0]}: expected --extractor PATH|URL (the tfjs model it applies to), received none`,
    );
  }
  return {
    extractorPipeline: {
      ...(s("feature-layer") ? { featureLayer: s("feature-layer") } : {}),
      image,
      ...(s("public-data") ? { publicData: s("public-data") } : {}),
      // The private paths the public folder must stay apart from (checked on real paths).
      privateData: [s("data"), s("test-data")].filter((p): p is string => p !== undefined),
      ...(s("reduce") ? { reduce: reduceOf(s("reduce")!) } : {}),
      bits: s("input-bits") ? int("input-bits", s("input-bits")!, 2, 16) : 4,
    },
  };
}
