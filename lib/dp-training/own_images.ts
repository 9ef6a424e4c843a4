/**
 * A user's image folder (`deno task train --data DIR`) as the head's integer features: listed,
 * split (or paired with `--test-data`), then decoded, preprocessed and run through the public
 * extractor batch by batch, keeping only the integer feature vectors.
 *
 * @module
 */
import {
  DataError,
  type DecodedImage,
  fractionSplit,
  type ImageFolder,
  type LabelledFile,
  readImageBatches,
  scanImageFolder,
} from "../datasets/mod.ts";
import { type Extractor, loadExtractor, uciBlocksFromImage } from "../feature-extractor/mod.ts";
import type { PrivateFeatures } from "./private_features.ts";
import { UsageError } from "./errors.ts";
import type { IntegerExamples } from "./train_private_head.ts";
import { CLASSES_FROM_DATA, type ImagePipeline, type OwnDataOptions } from "./own_data.ts";

/** Images decoded, preprocessed and extracted at once (the only decoded images in memory). */
const IMAGE_BATCH = 256;

/** The test folder's files with labels renumbered to the training folder's classes. */
function testFilesOf(
  train: ImageFolder,
  test: ImageFolder,
  what = "the training classes",
): LabelledFile[] {
  const index = new Map(train.classes.map((c, k) => [c, k]));
  for (const c of test.classes) {
    if (!index.has(c)) {
      throw new DataError(
        { path: `${test.root}/${c}` },
        `expected a class folder named as one of ${what} ` +
          `${JSON.stringify(train.classes)}, received ${JSON.stringify(c)}`,
      );
    }
  }
  return test.files.map((f) => ({ path: f.path, label: index.get(test.classes[f.label])! }));
}

/** The folder with its labels renumbered to the PUBLIC `classes` (`--classes`). */
function withClasses(folder: ImageFolder, classes: readonly string[]): ImageFolder {
  const named = { ...folder, classes: [...classes] };
  return { ...named, files: testFilesOf(named, folder, "--classes") };
}

/** Integer features of `files`, extracted batch by batch. */
async function extractFiles(
  files: readonly LabelledFile[],
  extractor: Omit<ImagePipeline, "toInput">,
  toInput: (image: DecodedImage) => Float32Array,
  progress: (n: number) => void,
): Promise<IntegerExamples> {
  const inputSize = extractor.inputShape.reduce((a, b) => a * b, 1);
  const dim = extractor.featureDim;
  const x = new Int32Array(files.length * dim);
  let k = 0;
  for await (const batch of readImageBatches(files, IMAGE_BATCH)) {
    const n = batch.images.length;
    const raw = new Float32Array(n * inputSize);
    batch.images.forEach((image, i) => {
      const input = toInput(image);
      if (input.length !== inputSize) {
        throw new UsageError(
          `${batch.paths[i]}: the image preprocessing gives ${input.length} values, expected ` +
            `the extractor's input [${extractor.inputShape}] (${inputSize} values)`,
        );
      }
      raw.set(input, i * inputSize);
    });
    x.set(extractor.extractQuantized(raw, n), k * dim);
    k += n;
    progress(n);
  }
  return { x, y: Int32Array.from(files, (f) => f.label), count: files.length };
}

/**
 * Loads a folder of class sub-folders into integer features with the public extractor.
 *
 * @throws {DataError} for the folder's problems (see {@linkcode scanImageFolder}) and any image
 *   that cannot be read or decoded.
 * @throws {UsageError} when the extractor has no quantization spec or the preprocessing does not
 *   give the extractor's input size.
 */
export async function imageFolderFeatures(
  o: OwnDataOptions,
): Promise<PrivateFeatures & { ignored: string[] }> {
  const scanned = await scanImageFolder(o.data);
  const folder = o.classes ? withClasses(scanned, o.classes) : scanned;
  let train: LabelledFile[], test: LabelledFile[], ignored = folder.ignored;
  if (o.testData !== undefined) {
    const testFolder = await scanImageFolder(o.testData, 1);
    train = folder.files;
    test = testFilesOf(folder, testFolder);
    ignored = [...ignored, ...testFolder.ignored];
  } else {
    const labels = folder.files.map((f) => f.label);
    const split = fractionSplit(labels, folder.classes, o.testFraction, o.splitSeed, folder.root);
    train = split.train.map((i) => folder.files[i]);
    test = split.test.map((i) => folder.files[i]);
  }
  const loaded: Extractor | null = o.pipeline ? null : await loadExtractor(o.extractor);
  const extractor = o.pipeline ?? loaded!;
  try {
    const q = extractor.quantization;
    if (!q) {
      throw new UsageError(
        `--extractor: expected an extractor with a quantization spec, received ${extractor.name} ` +
          "without one",
      );
    }
    const toInput = o.pipeline ? o.pipeline.toInput : uciBlocksFromImage;
    const total = train.length + test.length;
    let done = 0;
    const progress = (n: number) => o.onProgress?.(done += n, total, "extract");
    const trainX = await extractFiles(train, extractor, toInput, progress);
    const testX = await extractFiles(test, extractor, toInput, progress);
    return {
      dataset: folder.root.split("/").pop() || folder.root,
      features: "extractor",
      train: trainX,
      test: testX,
      input: q,
      classes: folder.classes,
      extractor: { id: extractor.id, name: extractor.name, feature_layer: extractor.featureLayer },
      preprocessing: `image folder ${
        o.pipeline
          ? "through the extractor's stated preprocessing"
          : "as grey by luma, ink high, reduced to UCI 8x8 block counts 0..16"
      }; public extractor ${extractor.name} (${extractor.id.slice(0, 19)}...), layer ` +
        `${extractor.featureLayer}, quantized to [${q.min}, ${q.max}] at scale 2^-${q.scale_log2}`,
      ignored,
      ...(o.classes ? {} : { notCovered: [CLASSES_FROM_DATA] }),
    };
  } finally {
    loaded?.dispose();
  }
}
