/**
 * The one path from images to the head's integers on a client: when the model states a
 * `preprocessing` block (trained with `--extractor`), its extractor (refused unless its content
 * id is the model's), image preprocessing, public reduction and quantization
 * ({@linkcode pipelineForModel}); otherwise the committed UCI extractor with the 8 x 8 block
 * reduction that `deno task train --data` uses.
 *
 * @module
 */
import {
  ExtractorMismatchError,
  loadExtractor,
  pipelineForModel,
  type PixelImage,
  quantizeFeatures,
  uciBlocksFromImage,
} from "../feature-extractor/mod.ts";
import type { InputSpec, PreprocessingBlock } from "../model/mod.ts";

/** What {@linkcode imageFeaturesFor} reads of a model description (`GET /v1/model`). */
export interface HeadInputs {
  /** The model's preprocessing block, or null (committed UCI extractor). */
  readonly preprocessing: PreprocessingBlock | null;
  /** The head's input quantization. */
  readonly input: InputSpec;
  /** The extractor the head expects, or null. */
  readonly extractor: { readonly id: string } | null;
}

/**
 * Quantized features of `images` for the head `description` describes (`GET /v1/model`).
 *
 * @param extractorSource where to load the model's extractor from (default: the block's
 *   `source`); ignored for heads on the committed UCI extractor.
 * @throws {ExtractorMismatchError} when the loaded extractor is not the model's.
 *
 * @example
 * ```ts
 * import { HeadClient, imageFeaturesFor } from "./mod.ts";
 * const client = await HeadClient.connect("http://127.0.0.1:8000");
 * const image = { width: 28, height: 28, channels: 1, pixels: new Uint8Array(784) };
 * const features = await imageFeaturesFor(client.description, [image]);
 * ```
 */
export async function imageFeaturesFor(
  description: HeadInputs,
  images: readonly PixelImage[],
  extractorSource?: string | URL,
): Promise<Int32Array> {
  if (description.preprocessing) {
    const p = await pipelineForModel(
      { preprocessing: description.preprocessing, input: description.input },
      extractorSource,
    );
    try {
      return quantizeFeatures(p.imageFeatures(images), description.input);
    } finally {
      p.dispose();
    }
  }
  const extractor = await loadExtractor();
  try {
    const want = description.extractor?.id;
    if (want && want !== extractor.id) {
      throw new ExtractorMismatchError(want, extractor.id, extractor.url);
    }
    const raw = new Float32Array(64 * images.length);
    images.forEach((im, i) => {
      if (im.channels !== 1 && im.channels !== 3) {
        throw new RangeError(`expected a grey or RGB image, received ${im.channels} channels`);
      }
      const channels: 1 | 3 = im.channels === 1 ? 1 : 3;
      const decoded = { ...im, channels, pixels: Float32Array.from(im.pixels) };
      raw.set(uciBlocksFromImage(decoded), 64 * i);
    });
    return quantizeFeatures(extractor.extract(raw, images.length), description.input);
  } finally {
    extractor.dispose();
  }
}
