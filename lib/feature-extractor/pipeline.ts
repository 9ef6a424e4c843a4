/**
 * The whole client-side path from an image to the head's integers, as one object: image
 * preprocessing ({@linkcode preprocess}), the public extractor cut at its feature layer, the
 * public reduction ({@linkcode applyReduction}) and the quantization. Training builds it from
 * options and the extractor's metadata and writes {@linkcode FeaturePipeline.block} into the
 * model file; every client rebuilds it from that block with {@linkcode pipelineForModel}, which
 * refuses an extractor whose id differs from the model's.
 *
 * @module
 */
import type {
  ImagePreprocessing,
  InputSpec,
  LinearReduction,
  PreprocessingBlock,
} from "../model/mod.ts";
import { quantizeFeatures } from "../model/mod.ts";
import { ExtractorError } from "./errors.ts";

import { type Extractor, loadExtractor } from "./extractor.ts";
import { type PixelImage, preprocess } from "./preprocess.ts";
import { applyReduction } from "./reduction.ts";

/** Options of {@linkcode loadPipeline}: each overrides the extractor's own metadata. */
export interface PipelineOptions {
  /** Layer (layers model) or node (graph model) whose output is the feature vector. */
  featureLayer?: string;
  /** Fields of the image preprocessing (merged over the metadata's). */
  image?: Partial<ImagePreprocessing>;
  /** The public reduction applied to the features. */
  reduction?: LinearReduction;
  /** The quantization of the (reduced) features. */
  quantization?: InputSpec;
  /** Refuse the extractor unless its content id is this one. */
  expectedId?: string;
  /** Examples per forward pass. */
  batchSize?: number;
}

/**
 * An {@linkcode Extractor} whose inputs are preprocessed images and whose features are reduced:
 * DATA's folder loader and the clients use it where they used an extractor.
 */
export interface FeaturePipeline extends Extractor {
  /** The image preprocessing every client applies. */
  readonly image: ImagePreprocessing;
  /** The public reduction, when there is one. */
  readonly reduction: LinearReduction | undefined;
  /** The extractor's input for one image ({@linkcode preprocess} with {@linkcode image}). */
  toInput(image: PixelImage): Float32Array;
  /** Features (reduced) of whole images. */
  imageFeatures(images: readonly PixelImage[]): Float32Array;
  /** The model file's `preprocessing` block that rebuilds this pipeline on a client. */
  block(): PreprocessingBlock;
}

function imageSpec(ex: Extractor, o: Partial<ImagePreprocessing> | undefined): ImagePreprocessing {
  const fromMeta = ex.metadata?.preprocessing;
  const [h, w, c] = ex.inputShape;
  const spec = { ...fromMeta, ...o } as Partial<ImagePreprocessing>;
  const merged: ImagePreprocessing = {
    height: spec.height ?? h,
    width: spec.width ?? w,
    channels: spec.channels ?? (c === 3 ? 3 : 1),
    resize: spec.resize ?? "bilinear",
    scale: spec.scale ?? 1 / 255,
    offset: spec.offset ?? 0,
    ...(spec.mean ? { mean: spec.mean } : {}),
    ...(spec.std ? { std: spec.std } : {}),
  };
  const want = [merged.height, merged.width, merged.channels].join();
  if (ex.inputShape.length !== 3 || ex.inputShape.join() !== want) {
    throw new ExtractorError(
      `expected an image extractor whose input [${ex.inputShape}] is the preprocessing's ` +
        `[${want}] (--input-size / --channels), received a mismatch for ${ex.url}`,
    );
  }
  return merged;
}

/**
 * Loads an extractor (path, folder or URL of a tfjs layers or graph model) as a
 * {@linkcode FeaturePipeline}. The preprocessing is the metadata's, overridden field by field by
 * `options.image`; for a model without metadata, the input size and channels are the model's
 * and the pixels are scaled by 1/255 unless stated.
 *
 * @throws {ExtractorMismatchError} when `options.expectedId` differs from the loaded id.
 * @throws {ExtractorError} for unreadable models, unknown feature layers, a reduction whose
 *   input width is not the features' or a preprocessing that does not give the model's input.
 *
 * @example
 * ```ts
 * import { loadPipeline } from "./pipeline.ts";
 * const p = await loadPipeline("models/scatternet");
 * const x = p.imageFeatures([{ width: 28, height: 28, channels: 1, pixels: new Uint8Array(784) }]);
 * p.dispose();
 * ```
 */
export async function loadPipeline(
  source: string | URL,
  options: PipelineOptions = {},
): Promise<FeaturePipeline> {
  const size = options.image?.height !== undefined && options.image.width !== undefined
    ? [options.image.height, options.image.width, options.image.channels ?? 3]
    : undefined;
  const ex = await loadExtractor(source, {
    featureLayer: options.featureLayer,
    batchSize: options.batchSize,
    inputScale: 1,
    expectedId: options.expectedId,
    ...(size ? { inputShape: size } : {}),
  });
  try {
    const where = typeof source === "string" ? source : source.href;
    return assemble(ex, imageSpec(ex, options.image), options, where);
  } catch (e) {
    ex.dispose();
    throw e;
  }
}

function assemble(
  ex: Extractor,
  image: ImagePreprocessing,
  options: PipelineOptions,
  source: string,
): FeaturePipeline {
  const r = options.reduction;
  if (r && r.input_dim !== ex.featureDim) {
    throw new ExtractorError(
      `expected a reduction from the feature layer's width ${ex.featureDim}, received one ` +
        `from ${r.input_dim}`,
    );
  }
  const quantization = options.quantization ?? (r ? undefined : ex.quantization);
  const extract = (x: Float32Array, n: number) => {
    const f = ex.extract(x, n);
    return r ? applyReduction(f, n, r) : f;
  };
  const toInput = (im: PixelImage) => preprocess(im, image);
  const inputSize = image.height * image.width * image.channels;
  return {
    ...ex,
    featureDim: r ? r.output_dim : ex.featureDim,
    quantization,
    image,
    reduction: r,
    extract,
    extractQuantized(x: Float32Array, n: number): Int32Array {
      if (!quantization) {
        throw new ExtractorError(
          `expected a quantization spec for ${ex.url} (from public data: --public-data), ` +
            "received none",
        );
      }
      return quantizeFeatures(extract(x, n), quantization);
    },
    toInput,
    imageFeatures(images: readonly PixelImage[]): Float32Array {
      const x = new Float32Array(images.length * inputSize);
      images.forEach((im, i) => x.set(toInput(im), i * inputSize));
      return extract(x, images.length);
    },
    block: (): PreprocessingBlock => ({
      extractor: { id: ex.id, name: ex.name, feature_layer: ex.featureLayer, source },
      image,
      ...(r ? { reduction: r } : {}),
    }),
    dispose: () => ex.dispose(),
  };
}

/**
 * The pipeline a model file states: its extractor (loaded from `source`, default the block's
 * `extractor.source`), feature layer, image preprocessing, reduction and input quantization.
 *
 * @throws {ExtractorMismatchError} when the loaded extractor's id is not the model's.
 * @throws {ExtractorError} when the model has no `preprocessing` block.
 */
export async function pipelineForModel(
  model: { preprocessing?: PreprocessingBlock; input: InputSpec },
  source?: string | URL,
): Promise<FeaturePipeline> {
  const b = model.preprocessing;
  if (!b) {
    throw new ExtractorError(
      "expected a model with a preprocessing block (trained with --extractor), received none",
    );
  }
  const from = source ?? b.extractor.source;
  if (from === undefined) {
    throw new ExtractorError(
      `expected where to load extractor ${b.extractor.id} from (the model names no source)`,
    );
  }
  return await loadPipeline(from, {
    featureLayer: b.extractor.feature_layer,
    image: b.image,
    reduction: b.reduction,
    quantization: model.input,
    expectedId: b.extractor.id,
  });
}
