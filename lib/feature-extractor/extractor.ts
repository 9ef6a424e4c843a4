/**
 * The client-side feature extractor: a public tfjs model (layers or graph) cut at a named
 * feature layer, with the preprocessing of raw inputs and the quantization of its features.
 *
 * @module
 */
import { initTf, tf } from "../tfjs/runtime.ts";
import { type InputSpec, quantizeFeatures } from "../model/mod.ts";
import { ExtractorError, ExtractorMismatchError } from "./errors.ts";
import { type ExtractorMetadata, parseExtractorMetadata } from "./metadata.ts";
import { filesLoadHandler, readModelFiles } from "./model_files.ts";

/** The project's committed extractor (pretrained on public MNIST by `scripts/pretrain_extractor.ts`). */
export const DEFAULT_EXTRACTOR_URL: URL = new URL(
  "../../models/extractor/model.json",
  import.meta.url,
);

/** Default number of examples run through the network at once. */
const DEFAULT_BATCH_SIZE = 512;

/** Options of {@linkcode loadExtractor}; each overrides the model's own metadata. */
export interface LoadExtractorOptions {
  /** Name of the layer (layers model) or output node (graph model) giving the features. */
  featureLayer?: string;
  /** Multiplier applied to raw inputs before the network (default: metadata, else 1). */
  inputScale?: number;
  /**
   * Quantization of the features (default: the metadata's, when the feature layer is the
   * metadata's; else none).
   */
  quantization?: InputSpec;
  /** Examples per forward pass (default {@linkcode DEFAULT_BATCH_SIZE}). */
  batchSize?: number;
  /**
   * Shape of one input, for models whose own input shape is not fully defined (a graph model
   * taking `[-1, -1, -1, 3]`, say); checked against the model's defined dimensions.
   */
  inputShape?: number[];
  /** Refuse the model (before running anything) unless its content id is this one. */
  expectedId?: string;
}

/** A loaded feature extractor. Call {@linkcode Extractor.dispose} when done. */
export interface Extractor {
  /** Content hash of the model files (see {@linkcode extractorId}), e.g. `"sha256:9f..."`. */
  readonly id: string;
  /** Name from the metadata, or the model file's URL. */
  readonly name: string;
  /** URL of the `model.json` it was loaded from. */
  readonly url: string;
  /** Layer or node the features are taken from. */
  readonly featureLayer: string;
  /** Shape of one raw input, e.g. `[8, 8, 1]`. */
  readonly inputShape: number[];
  /** Raw inputs are multiplied by this before the network. */
  readonly inputScale: number;
  /** Number of features per example. */
  readonly featureDim: number;
  /** How features become HE input integers; `undefined` when neither metadata nor options say. */
  readonly quantization: InputSpec | undefined;
  /** The model's metadata, when it carries some. */
  readonly metadata: ExtractorMetadata | undefined;
  /**
   * Features of `count` raw inputs (`count x prod(inputShape)` values, row-major), in batches.
   * Returns `count x featureDim` values, row-major.
   *
   * @throws {RangeError} when `x` does not hold `count` inputs.
   */
  extract(x: Float32Array, count: number): Float32Array;
  /**
   * {@linkcode Extractor.extract} followed by {@linkcode quantizeFeatures} with
   * {@linkcode Extractor.quantization}: the integers the client encrypts.
   *
   * @throws {ExtractorError} when the extractor has no quantization spec.
   */
  extractQuantized(x: Float32Array, count: number): Int32Array;
  /** Frees the model's tensors. */
  dispose(): void;
}

/** `run`'s features of `count` inputs, `batchSize` inputs at a time (scaled by `inputScale`). */
function batchedExtract(
  run: Runner,
  inputShape: number[],
  inputScale: number,
  batchSize: number,
): (x: Float32Array, count: number) => Float32Array {
  const inputSize = inputShape.reduce((a, b) => a * b, 1);
  const featureDim = run.featureDim;
  return (x, count) => {
    if (!Number.isInteger(count) || count < 0 || x.length !== count * inputSize) {
      throw new RangeError(
        `expected ${count} inputs of shape [${inputShape}] (${count * inputSize} values), ` +
          `received ${x.length} values`,
      );
    }
    const out = new Float32Array(count * featureDim);
    for (let start = 0; start < count; start += batchSize) {
      const n = Math.min(batchSize, count - start);
      const batch = x.subarray(start * inputSize, (start + n) * inputSize);
      const values = tf.tidy(() => {
        const input = tf.tensor(batch, [n, ...inputShape]).mul(inputScale);
        return run.features(input as tf.Tensor).reshape([n, featureDim]).dataSync() as Float32Array;
      });
      out.set(values, start * featureDim);
    }
    return out;
  };
}

/**
 * Loads a feature extractor from the committed files (default), a local path or folder, or a
 * `file:`/`http(s):` URL of a tfjs layers or graph model. The identifier is computed over the
 * exact bytes read, so it matches the model that is actually run.
 *
 * @throws {ExtractorError} when the files are missing or malformed, the feature layer is unknown,
 *   or the model's input shape is not fully defined.
 *
 * @example
 * ```ts
 * import { loadExtractor } from "./mod.ts";
 * import { loadUciDigits } from "../datasets/mod.ts";
 * const extractor = await loadExtractor();
 * const { test } = await loadUciDigits();
 * const q = extractor.extractQuantized(test.x, test.count); // 500 x featureDim integers
 * console.log(extractor.id, extractor.featureDim, extractor.quantization);
 * extractor.dispose();
 * ```
 */
export async function loadExtractor(
  source: string | URL = DEFAULT_EXTRACTOR_URL,
  options: LoadExtractorOptions = {},
): Promise<Extractor> {
  await initTf();
  const files = await readModelFiles(source);
  if (options.expectedId !== undefined && options.expectedId !== files.id) {
    throw new ExtractorMismatchError(options.expectedId, files.id, files.url.href);
  }
  const metadata = parseExtractorMetadata(files.json.userDefinedMetadata);
  const featureLayer = options.featureLayer ?? metadata?.feature_layer;
  if (featureLayer === undefined) {
    throw new ExtractorError(
      `expected a feature layer name (options.featureLayer or the model's metadata) for ` +
        `${files.url.href}, received none`,
    );
  }
  const isGraph = files.json.format === "graph-model" ||
    (files.json.modelTopology as Record<string, unknown>).node !== undefined;
  const run = isGraph
    ? await graphRunner(files, featureLayer, options.inputShape)
    : await layersRunner(files, featureLayer, options.inputShape);
  const inputShape = run.inputShape;
  if (metadata && metadata.input.shape.join() !== inputShape.join()) {
    throw new ExtractorError(
      `expected the model input shape [${metadata.input.shape}] declared in its metadata, ` +
        `received [${inputShape}]`,
    );
  }
  const inputScale = options.inputScale ?? metadata?.input.scale ?? 1;
  // The shipped spec describes the shipped feature layer only.
  const quantization = options.quantization ??
    (featureLayer === metadata?.feature_layer ? metadata.quantization : undefined);
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const featureDim = run.featureDim;
  if (quantization && quantization.shape.reduce((a, b) => a * b, 1) !== featureDim) {
    throw new ExtractorError(
      `expected a quantization spec of shape [${featureDim}] (the feature layer's size), ` +
        `received [${quantization.shape}]`,
    );
  }

  const extract = batchedExtract(run, inputShape, inputScale, batchSize);
  return {
    id: files.id,
    name: metadata?.name ?? files.url.href,
    url: files.url.href,
    featureLayer,
    inputShape,
    inputScale,
    featureDim,
    quantization,
    metadata,
    extract,
    extractQuantized(x: Float32Array, count: number): Int32Array {
      if (!quantization) {
        throw new ExtractorError(
          `expected a quantization spec for ${files.url.href} (options.quantization or the ` +
            `model's metadata; derive one from public data with deriveQuantization), received none`,
        );
      }
      return quantizeFeatures(extract(x, count), quantization);
    },
    dispose: () => run.dispose(),
  };
}

interface Runner {
  inputShape: number[];
  featureDim: number;
  features(input: tf.Tensor): tf.Tensor;
  dispose(): void;
}

async function layersRunner(
  files: Awaited<ReturnType<typeof readModelFiles>>,
  featureLayer: string,
  shape?: number[],
): Promise<Runner> {
  let model: tf.LayersModel;
  try {
    model = await tf.loadLayersModel(filesLoadHandler(files));
  } catch (e) {
    if (e instanceof ExtractorError) throw e;
    throw new ExtractorError(
      `expected a loadable tfjs layers model at ${files.url.href}, received an error: ` +
        (e as Error).message,
    );
  }
  const names = model.layers.map((l) => l.name);
  if (!names.includes(featureLayer)) {
    model.dispose();
    throw new ExtractorError(
      `expected a feature layer named ${JSON.stringify(featureLayer)}, received a model with ` +
        `layers ${JSON.stringify(names)}`,
    );
  }
  const output = model.getLayer(featureLayer).output as tf.SymbolicTensor;
  const cut = tf.model({ inputs: model.inputs, outputs: output });
  const inputShape = definedShape(model.inputs[0].shape.slice(1), files.url.href, shape);
  const featureDim = shape === undefined
    ? definedShape(output.shape.slice(1), `${featureLayer} output`).reduce((a, b) => a * b, 1)
    : tf.tidy(() => (cut.predict(tf.zeros([1, ...inputShape])) as tf.Tensor).size);
  return {
    inputShape,
    featureDim,
    features: (input) => cut.predict(input) as tf.Tensor,
    dispose: () => model.dispose(),
  };
}

async function graphRunner(
  files: Awaited<ReturnType<typeof readModelFiles>>,
  featureLayer: string,
  shape?: number[],
): Promise<Runner> {
  let model: tf.GraphModel;
  try {
    model = await tf.loadGraphModel(filesLoadHandler(files));
  } catch (e) {
    if (e instanceof ExtractorError) throw e;
    throw new ExtractorError(
      `expected a loadable tfjs graph model at ${files.url.href}, received an error: ` +
        (e as Error).message,
    );
  }
  const inputShape = definedShape((model.inputs[0].shape ?? []).slice(1), files.url.href, shape);
  let featureDim: number;
  try {
    featureDim = tf.tidy(() => {
      const probe = model.execute(tf.zeros([1, ...inputShape]), featureLayer) as tf.Tensor;
      return probe.size;
    });
  } catch (e) {
    model.dispose();
    throw new ExtractorError(
      `expected an output node named ${JSON.stringify(featureLayer)} in the graph model, ` +
        `received an error: ${(e as Error).message}`,
    );
  }
  return {
    inputShape,
    featureDim,
    features: (input) => model.execute(input, featureLayer) as tf.Tensor,
    dispose: () => model.dispose(),
  };
}

/**
 * The model's shape when fully defined, else `given` (whose length and defined dimensions must
 * agree with the model's).
 */
function definedShape(shape: (number | null)[], what: string, given?: number[]): number[] {
  if (given !== undefined) {
    const agrees = given.length === shape.length &&
      shape.every((d, i) => d === null || d === undefined || d < 1 || d === given[i]);
    if (!agrees) {
      throw new ExtractorError(
        `expected an input shape compatible with ${what}'s [${shape.map(String)}], received ` +
          `[${given}]`,
      );
    }
    return given;
  }
  if (shape.length === 0 || shape.some((d) => d === null || d === undefined || d < 1)) {
    throw new ExtractorError(
      `expected a fully defined shape for ${what}, received [${shape.map(String)}]`,
    );
  }
  return shape as number[];
}
