/**
 * The pipeline a head is trained with when the user brings an extractor
 * (`deno task train --data DIR --extractor PATH|URL --feature-layer NAME ...`): the extractor's
 * preprocessing (metadata, overridden by options), an optional public reduction (PCA fitted on
 * the PUBLIC images of `--public-data`, or a seeded random projection that needs no data), and
 * the input quantization, whose scale comes from the public images (or the extractor's own
 * spec). Nothing here touches private data.
 *
 * @module
 */
import { readImageBatches, scanImageFolder } from "../datasets/mod.ts";
import type { ImagePreprocessing, InputSpec, LinearReduction } from "../model/mod.ts";
import { ExtractorError } from "./errors.ts";
import { type FeaturePipeline, loadPipeline } from "./pipeline.ts";
import { publicQuantization } from "./public_quantization.ts";
import { applyReduction, fitPca, randomProjection } from "./reduction.ts";

/** Options of {@linkcode trainingPipeline}. */
export interface TrainingPipelineOptions {
  /** Path, folder or URL of a tfjs layers or graph model. */
  extractor: string | URL;
  /** Feature layer or node (default: the metadata's). */
  featureLayer?: string;
  /** Preprocessing fields overriding the metadata's. */
  image?: Partial<ImagePreprocessing>;
  /** A folder of PUBLIC images (class sub-folders or not) for the PCA and the scale. */
  publicData?: string;
  /**
   * The PRIVATE data paths (`--data`, `--test-data`): `publicData` may be none of them, nor lie
   * inside or contain one (checked on real paths), or PCA and scale would be fitted on private
   * images outside the accountant.
   */
  privateData?: readonly string[];
  /** Reduce the features to `dim` by PCA (needs `publicData`) or a seeded projection. */
  reduce?: { kind: "pca" | "random_projection"; dim: number; seed?: string };
  /** Bits of the quantized inputs (default 4; signed features get a symmetric range). */
  bits?: number;
  /** Progress over the public images. */
  onProgress?: (done: number, total: number, phase: string) => void;
}

/** The real absolute path of `path` (symlinks resolved), or its absolute form if it is absent. */
function realOf(path: string): string {
  try {
    return Deno.realPathSync(path);
  } catch {
    const abs = path.startsWith("/") ? path : `${Deno.cwd()}/${path}`;
    return abs.replace(/\/+$/, "").replace(/\/(\.\/)+/g, "/") || "/";
  }
}

/**
 * Refuses a public folder that is, lies inside, or contains one of the private paths.
 *
 * @throws {ExtractorError} naming both paths.
 */
function assertPublicApart(publicData: string, privateData: readonly string[]): void {
  const pub = realOf(publicData);
  const within = (a: string, b: string) => a === b || a.startsWith(b.endsWith("/") ? b : `${b}/`);
  for (const p of privateData) {
    const priv = realOf(p);
    if (within(pub, priv) || within(priv, pub)) {
      throw new ExtractorError(
        `--public-data: expected a folder of PUBLIC images apart from the private data, received ` +
          `${JSON.stringify(publicData)} (${pub}), which ${
            pub === priv ? "is" : within(pub, priv) ? "lies inside" : "contains"
          } the private ${JSON.stringify(p)} (${priv}): a PCA or scale fitted on it would leak ` +
          `private images outside the privacy accountant`,
      );
    }
  }
}

/** Features of every image of a public folder (one batch of decoded images at a time). */
async function publicFeatures(
  dir: string,
  p: FeaturePipeline,
  onProgress?: TrainingPipelineOptions["onProgress"],
): Promise<{ x: Float32Array; count: number }> {
  const folder = await scanImageFolder(dir);
  const x = new Float32Array(folder.files.length * p.featureDim);
  let done = 0;
  for await (const batch of readImageBatches(folder.files, 256)) {
    x.set(p.imageFeatures(batch.images), done * p.featureDim);
    done += batch.images.length;
    onProgress?.(done, folder.files.length, "public data");
  }
  return { x, count: done };
}

/**
 * Loads the extractor and fits what the model file needs from public data only.
 *
 * @throws {ExtractorError} when a PCA is asked without `publicData`, or when there is no way to
 *   set the quantization (no public data and no spec in the extractor's metadata).
 *
 * @example
 * ```ts
 * import { trainingPipeline } from "./training_pipeline.ts";
 * const p = await trainingPipeline({
 *   extractor: "models/scatternet", publicData: "fashion/public-mnist",
 *   reduce: { kind: "pca", dim: 64 }, bits: 6,
 * });
 * console.log(p.block(), p.quantization);
 * p.dispose();
 * ```
 */
export async function trainingPipeline(o: TrainingPipelineOptions): Promise<FeaturePipeline> {
  if (o.publicData !== undefined) assertPublicApart(o.publicData, o.privateData ?? []);
  const base = { featureLayer: o.featureLayer, image: o.image };
  const raw = await loadPipeline(o.extractor, base);
  let reduction: LinearReduction | undefined, quantization: InputSpec | undefined;
  try {
    if (o.reduce?.kind === "pca" && o.publicData === undefined) {
      throw new ExtractorError(
        "--reduce pca: expected --public-data DIR (PUBLIC images the PCA is fitted on), " +
          "received none (use --reduce projection for a data-free reduction)",
      );
    }
    const pub = o.publicData === undefined
      ? null
      : await publicFeatures(o.publicData, raw, o.onProgress);
    if (o.reduce?.kind === "pca") {
      reduction = fitPca(
        pub!.x,
        pub!.count,
        raw.featureDim,
        o.reduce.dim,
        `PCA of the ${pub!.count} public images of ${o.publicData}`,
      );
    } else if (o.reduce) {
      reduction = randomProjection(raw.featureDim, o.reduce.dim, o.reduce.seed ?? "projection");
    }
    if (pub) {
      const x = reduction ? applyReduction(pub.x, pub.count, reduction) : pub.x;
      quantization = publicQuantization(x, reduction?.output_dim ?? raw.featureDim, o.bits ?? 4);
    } else if (!reduction && raw.quantization) {
      quantization = raw.quantization;
    } else {
      throw new ExtractorError(
        `expected --public-data DIR (PUBLIC images that set the input quantization scale) for ` +
          `${raw.name}, which carries no quantization spec for these features, received none`,
      );
    }
  } finally {
    raw.dispose();
  }
  return await loadPipeline(o.extractor, { ...base, reduction, quantization });
}
