/**
 * What the head's input width costs in accuracy: the non-private integer head on ScatterNet
 * features reduced by a public PCA to several widths, and on all 3969 features, on a subset of
 * the exported folders (the same features for every width).
 *
 * @module
 */
import { quantizedActivation, seededRandom, trainPrivateHead } from "../../lib/dp-training/mod.ts";
import {
  applyReduction,
  fitPca,
  loadPipeline,
  publicQuantization,
  quantizeFeatures,
} from "../../lib/feature-extractor/mod.ts";
import { folderFeatures } from "./folder_features.ts";
import type { HeadSettings } from "./runs.ts";

/** One width's accuracy. */
export interface WidthRow {
  /** Head input width (3969: no reduction). */
  width: number;
  /** Test accuracy of the exported integer head (non-private). */
  accuracy: number;
}

/** Options of {@linkcode widthCost}. */
export interface WidthCostOptions {
  /** The exported folder. */
  data: string;
  /** Widths to try (the full 3969 is always added). */
  widths: number[];
  /** Training images per class. */
  trainPerClass: number;
  /** Test images per class. */
  testPerClass: number;
  /** Public MNIST images per digit (for the PCA and the scale). */
  publicPerClass: number;
  /** Bits of the quantized inputs. */
  bits: number;
  /** Head settings (privacy is off). */
  head: HeadSettings;
  /** Progress. */
  onProgress?: (done: number, total: number, phase: string) => void;
}

/** Extracts once, then trains a non-private head per width. */
export async function widthCost(o: WidthCostOptions): Promise<WidthRow[]> {
  const p = await loadPipeline(new URL("../../models/scatternet/model.json", import.meta.url));
  const step = (phase: string) => (d: number, t: number) => o.onProgress?.(d, t, phase);
  const pub = await folderFeatures(`${o.data}/public-mnist`, p, {
    limitPerClass: o.publicPerClass,
    onProgress: step("public"),
  });
  const train = await folderFeatures(`${o.data}/train`, p, {
    limitPerClass: o.trainPerClass,
    onProgress: step("train"),
  });
  const test = await folderFeatures(`${o.data}/test`, p, {
    limitPerClass: o.testPerClass,
    onProgress: step("test"),
  });
  p.dispose();
  const activation = quantizedActivation("swish", 2);
  const rows: WidthRow[] = [];
  for (const width of [...o.widths, p.featureDim]) {
    const reduce = width === p.featureDim
      ? (x: Float32Array) => x
      : ((r) => (x: Float32Array, n: number) => applyReduction(x, n, r))(
        fitPca(pub.x, pub.count, p.featureDim, width, "public MNIST"),
      );
    const input = publicQuantization(reduce(pub.x, pub.count), width, o.bits);
    const q = (s: typeof train) => ({
      x: quantizeFeatures(reduce(s.x, s.count), input),
      y: s.y,
      count: s.count,
    });
    const result = trainPrivateHead({
      train: q(train),
      test: q(test),
      input,
      classes: train.classes,
      name: `width-${width}`,
      hidden: o.head.hidden,
      activation: { kind: activation.kind, coefficients: activation.coefficients },
      privacy: null,
      epochs: o.head.epochs,
      batchSize: Math.min(o.head.batchSize, train.count),
      clipNorm: o.head.clipNorm,
      learningRate: o.head.learningRate,
      sparsity: o.head.sparsity,
      random: seededRandom(`fashion/width/${width}`),
    });
    rows.push({ width, accuracy: result.testAccuracy.quantized });
    o.onProgress?.(rows.length, o.widths.length + 1, `width ${width}`);
  }
  return rows;
}
