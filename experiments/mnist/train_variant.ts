/**
 * Trains one variant of the MNIST experiment end to end on real MNIST and exports it:
 *
 * 1. (CryptoDL style only) pretrain with the exact ReLU, fit the least-squares polynomial of
 *    each hidden layer under its pre-activations, round the coefficients to few-bit dyadics;
 * 2. train the float network with the polynomial activations in place;
 * 3. `int` variants: round every layer to fixed-point integers, freeze the weights and
 *    fine-tune the biases; `pow2` variants: progressive magnitude pruning (cubic schedule, with
 *    fine-tuning after each step), then INQ (50% -> 75% -> 87.5% -> 100% of each layer frozen
 *    to signed powers of two, retraining the rest in between);
 * 4. export, then measure the exact integer model on the test set.
 *
 * Runs are seeded: the same seed, variant and data give the same model.
 *
 * @module
 */
import { INQ_SCHEDULE } from "../../lib/dp-training/compression/pow2_quantization.ts";
import { pruningSchedule } from "../../lib/dp-training/compression/pruning.ts";
import { type Head, layerTrainable, layerWeights } from "../../lib/dp-training/training/head.ts";
import { seededRandom } from "../../lib/dp-training/mechanisms/random.ts";
import type { QuantizedModel } from "../../lib/model/format.ts";
import { initTf, tf } from "../../lib/tfjs/runtime.ts";
import { EXACT_RELU, type PolynomialActivation, type TrainingActivation } from "./activation.ts";
import { createCryptoNetsHead } from "./cryptonets_head.ts";
import {
  checkPow2,
  layerExponentRanges,
  pruneLayers,
  quantizeStage,
  sparsities,
} from "./compression.ts";
import {
  floatAccuracy,
  floatPredictions,
  integerPredictions,
  modelSparsity,
  outputBoundLog2,
} from "./evaluation.ts";
import { exportCryptoNets, type WeightExport } from "./export_model.ts";
import { roundToFixedPoint } from "./fixed_point.ts";
import { loadQuantizedMnist, type QuantizedMnist } from "./mnist_inputs.ts";
import {
  type MnistVariantResult,
  type StageRecord,
  summaryMetadata,
  type VariantSummary,
} from "./result.ts";
import { trainPhase } from "./trainer.ts";
import { IMAGE_SIZE, preActivations } from "./tf_network.ts";
import { leastSquaresActivation, pow2Activation, squareActivation } from "./variant_activations.ts";
import { checkVariantName, quickConfig, type VariantConfig, VARIANTS } from "./variants.ts";

/** Training and test images in quick (smoke) runs. */
export const QUICK_COUNTS = { train: 2000, test: 1000 } as const;

/** Images whose pre-activations the CryptoDL-style fit is made under. */
export const FIT_IMAGES = 5000;

/** The data of a run (load once, share between variants). */
export interface MnistData {
  /** Training split. */
  train: QuantizedMnist;
  /** Test split. */
  test: QuantizedMnist;
}

/** Options of {@linkcode trainMnistVariant}. */
export interface TrainVariantOptions {
  /** Small data and one short epoch per phase (smoke tests); default false. */
  quick?: boolean;
  /** Seed of initialisation and shuffling (default 1). */
  seed?: number;
  /** Progress on stderr (default true). */
  progress?: boolean;
  /** Preloaded data (else the full MNIST, or the quick subsets, are loaded). */
  data?: MnistData;
  /** Overrides of the variant's configuration (experiments). */
  config?: Partial<VariantConfig>;
}

/** Loads MNIST for a run: full splits, or the first images of each in quick mode. */
export async function loadMnistData(quick = false): Promise<MnistData> {
  return {
    train: await loadQuantizedMnist("train", quick ? QUICK_COUNTS.train : undefined),
    test: await loadQuantizedMnist("test", quick ? QUICK_COUNTS.test : undefined),
  };
}

function log(enabled: boolean, message: string): void {
  if (enabled) console.error(message);
}

function freezeWeights(head: Head): void {
  head.layers.forEach((_, l) => layerTrainable(head, l).fill(0));
}

/**
 * Trains a variant on MNIST and exports it (nothing is written to disk; see
 * `getMnistVariant` for the cached path).
 *
 * @example
 * ```ts
 * import { trainMnistVariant } from "./train_variant.ts";
 * const r = await trainMnistVariant("faster-relu-aq", { quick: true, progress: false });
 * console.log(r.floatAccuracy, r.quantizedAccuracy, r.outputBoundLog2);
 * ```
 * @throws {MnistVariantError} for an unknown variant or a diverging run.
 */
export async function trainMnistVariant(
  name: string,
  options: TrainVariantOptions = {},
): Promise<MnistVariantResult> {
  const variant = checkVariantName(name);
  const quick = options.quick ?? false;
  const base = quick ? quickConfig(VARIANTS[variant]) : VARIANTS[variant];
  const config: VariantConfig = { ...base, ...options.config, name: variant };
  const seed = options.seed ?? 1;
  const progress = options.progress ?? true;
  const backend = await initTf();
  const data = options.data ?? await loadMnistData(quick);
  const start = performance.now();
  const shuffle = seededRandom(`mnist-cryptonets:${variant}:${seed}:shuffle`);
  const head = createCryptoNetsHead({
    random: seededRandom(`mnist-cryptonets:${variant}:${seed}:init`),
    gain: config.gain,
  });
  const stages: StageRecord[] = [];
  let acts: [TrainingActivation, TrainingActivation];
  const phase = (
    stage: string,
    epochs: number,
    learningRate: number,
    a: readonly [TrainingActivation, TrainingActivation],
  ) => {
    const t0 = performance.now();
    const stats = trainPhase(head, data.train, a, {
      label: `${variant} ${stage}`,
      epochs,
      batchSize: config.batchSize,
      learningRate,
      random: shuffle,
      clipNorm: config.clipNorm,
      weightDecay: config.weightDecay,
      shift: config.shift,
      progress,
    });
    const accuracy = floatAccuracy(head, a, data.test);
    const record = {
      stage,
      accuracy,
      seconds: (performance.now() - t0) / 1000,
      sparsity: sparsities(head),
    };
    stages.push(record);
    log(
      progress,
      `${variant} ${stage}: float test accuracy ${(accuracy * 100).toFixed(2)}%, loss ` +
        `${stats.loss.toFixed(4)}, ${record.seconds.toFixed(1)} s, sparsity ` +
        record.sparsity.map((s) => s.toFixed(3)).join("/"),
    );
    return record;
  };

  // 1. Activations.
  const a = config.activation;
  if (a.kind === "relu-ls") {
    phase("relu pretraining", a.pretrainEpochs, config.learningRate, [EXACT_RELU, EXACT_RELU]);
    const n = Math.min(FIT_IMAGES, data.train.count);
    const z = preActivations(
      head,
      [EXACT_RELU, EXACT_RELU],
      data.train.real.subarray(0, n * IMAGE_SIZE),
      n,
    );
    const fits = z.map((s) =>
      leastSquaresActivation(s, { degree: a.degree, tolerance: a.tolerance })
    );
    fits.forEach((f, l) =>
      log(
        progress,
        `${variant} act${l + 1}: least squares [${f.fit.exact.map((c) => c.toPrecision(4))}] -> ` +
          `[${f.coefficients}] (grid 2^-${f.fit.shift}, mse ${f.fit.exactMse.toPrecision(4)} -> ` +
          `${f.fit.mse.toPrecision(4)})`,
      )
    );
    acts = [
      { kind: fits[0].kind, coefficients: fits[0].coefficients },
      { kind: fits[1].kind, coefficients: fits[1].coefficients },
    ];
  } else {
    const p = a.kind === "square"
      ? squareActivation()
      : pow2Activation(a.kind === "relu-aq" ? "relu" : "swish");
    acts = [p, p];
  }
  const polys = acts as [PolynomialActivation, PolynomialActivation];

  // 2. Float training.
  let floatRecord = phase("float", config.epochs, config.learningRate, acts);

  // 3. Compression.
  const c = config.compression;
  let weights: [WeightExport, WeightExport, WeightExport];
  if (c.kind === "int") {
    head.layers.forEach((_, l) => roundToFixedPoint(layerWeights(head, l), c.bits[l]));
    freezeWeights(head);
    phase(
      `int${c.bits.join("/")} rounding + bias fine-tune`,
      c.biasEpochs,
      config.fineTuneRate,
      acts,
    );
    weights = c.bits.map((bits) => ({ kind: "int", bits })) as typeof weights;
  } else {
    const schedules = c.sparsity.map((s) => pruningSchedule(s, c.pruneSteps));
    for (let i = 0; i < c.pruneSteps; i++) {
      pruneLayers(head, schedules.map((s) => s[i]));
      floatRecord = phase(
        `prune ${i + 1}/${c.pruneSteps}`,
        c.pruneEpochs,
        config.fineTuneRate,
        acts,
      );
    }
    const ranges = layerExponentRanges(head, c.levels);
    log(
      progress,
      `${variant} exponent ranges: ${
        ranges.map((r) => `[${r.minExponent}, ${r.maxExponent}]`).join(" ")
      }`,
    );
    for (const share of INQ_SCHEDULE) {
      quantizeStage(head, share, ranges);
      const last = share >= 1;
      phase(
        `inq ${share * 100}%${last ? " + bias fine-tune" : ""}`,
        last ? c.biasEpochs : c.inqEpochs,
        config.fineTuneRate,
        acts,
      );
    }
    checkPow2(head, ranges);
    weights = [{ kind: "pow2" }, { kind: "pow2" }, { kind: "pow2" }];
  }

  // 4. Export and exact integer evaluation.
  const draft = exportCryptoNets(head, { name: `mnist-${variant}`, weights, activations: polys });
  const intPred = integerPredictions(draft, data.test);
  const floatPred = floatPredictions(head, acts, data.test);
  let hits = 0, agree = 0;
  for (let i = 0; i < data.test.count; i++) {
    if (intPred[i] === data.test.y[i]) hits++;
    if (intPred[i] === floatPred[i]) agree++;
  }
  const summary: VariantSummary = {
    name: variant,
    floatAccuracy: floatRecord.accuracy,
    quantizedAccuracy: hits / data.test.count,
    agreement: agree / data.test.count,
    testImages: data.test.count,
    trainImages: data.train.count,
    sparsity: modelSparsity(draft),
    outputBoundLog2: outputBoundLog2(draft),
    trainingSeconds: (performance.now() - start) / 1000,
    stages,
    activations: polys.map((p) => ({ kind: p.kind, coefficients: [...p.coefficients] })),
    seed,
    quick,
    config,
    backend: `tfjs-${backend} ${tf.version.tfjs}`,
  };
  const model: QuantizedModel = {
    ...draft,
    metadata: summaryMetadata(summary, config.description),
  };
  log(
    progress,
    `${variant}: float ${(summary.floatAccuracy * 100).toFixed(2)}%, quantized ` +
      `${(summary.quantizedAccuracy * 100).toFixed(2)}% (agreement ${
        (summary.agreement * 100).toFixed(2)
      }%), ` +
      `log2 bound ${summary.outputBoundLog2.toFixed(1)}, ${summary.trainingSeconds.toFixed(0)} s`,
  );
  return { ...summary, model, cached: false };
}
