/// <reference lib="dom" />
/**
 * The page's features, for either kind of head `/v1/model` describes: a head on the committed
 * digit extractor (the picture as 8 x 8 UCI blocks, `uciBlocksFromImage`, as `classify --image`)
 * or a head whose model carries a `preprocessing` block (its extractor fetched from the function's
 * `/extractor/`, refused unless its id is the model's, then the block's image preprocessing,
 * feature layer, public reduction and the head's quantization: `pipelineForModel`, the library
 * code `deno task classify` runs).
 *
 * @module
 */
import type { HeadClient } from "../../lib/client/browser.ts";
import { type Extractor, loadExtractor } from "../../lib/feature-extractor/extractor.ts";
import { uciBlocksFromImage } from "../../lib/feature-extractor/image_input.ts";
import { pipelineForModel } from "../../lib/feature-extractor/pipeline.ts";
import type { PixelImage } from "../../lib/feature-extractor/preprocess.ts";
import { quantizeFeatures } from "../../lib/model/input_spec.ts";
import { fromRgba } from "./pixels.ts";

/** The extractor's input (UCI: the 64 block counts) and the quantized features of one image. */
export interface ImageFeatures {
  raw: Float32Array;
  features: Int32Array;
}

/** The features of the served head, from a picture's RGBA pixels. */
export interface PageFeatures {
  /** The extractor run (its id is the model's). */
  readonly extractor: Extractor;
  /** True for a head with its own preprocessing (images, e.g. Fashion-MNIST), false for digits. */
  readonly preprocessed: boolean;
  /** Features of one picture. */
  read(image: ImageData): ImageFeatures;
  /** Frees the extractor. */
  dispose(): void;
}

/**
 * A picture as the decoders of the command line give it: grey (one channel, exact values) when
 * every pixel is opaque with red = green = blue (a grey PNG), else RGBA (alpha composited on
 * white by the preprocessing).
 */
export function pixelImage(data: ImageData): PixelImage {
  const { width, height, data: rgba } = data;
  const grey = new Uint8Array(width * height);
  for (let i = 0; i < width * height; i++) {
    const [r, g, b, a] = [rgba[4 * i], rgba[4 * i + 1], rgba[4 * i + 2], rgba[4 * i + 3]];
    if (a !== 255 || r !== g || g !== b) return { width, height, channels: 4, pixels: rgba };
    grey[i] = r;
  }
  return { width, height, channels: 1, pixels: grey };
}

/** Loads the served head's extractor from `origin` and checks its id against `/v1/model`. */
export async function openFeatures(client: HeadClient, origin: string): Promise<PageFeatures> {
  const d = client.description;
  if (d.preprocessing) {
    const p = await pipelineForModel(
      { preprocessing: d.preprocessing, input: d.input },
      new URL("/extractor/model.json", origin),
    );
    try {
      client.checkExtractor(p.id);
    } catch (e) {
      p.dispose();
      throw e;
    }
    return {
      extractor: p,
      preprocessed: true,
      read(image) {
        const raw = p.toInput(pixelImage(image));
        return { raw, features: quantizeFeatures(p.extract(raw, 1), d.input) };
      },
      dispose: () => p.dispose(),
    };
  }
  const ex = await loadExtractor(new URL("/models/extractor/model.json", origin));
  try {
    client.checkExtractor(ex.id);
  } catch (e) {
    ex.dispose();
    throw e;
  }
  return {
    extractor: ex,
    preprocessed: false,
    read(image) {
      const raw = uciBlocksFromImage(fromRgba(image));
      return { raw, features: quantizeFeatures(ex.extract(raw, 1), d.input) };
    },
    dispose: () => ex.dispose(),
  };
}
