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
import {
  type Head,
  INQ_SCHEDULE,
  layerTrainable,
  layerWeights,
  pruningSchedule,
  type RandomSource,
  seededRandom,
} from "../../lib/dp-training/mod.ts";
import type { QuantizedModel } from "../../lib/model/mod.ts";
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
import {
  checkVariantName,
  type CompressionChoice,
  quickConfig,
  type VariantConfig,
  type VariantName,
  VARIANTS,
} from "./variants.ts";

/** Training and test images in quick (smoke) runs. */
const QUICK_COUNTS = { train: 2000, test: 1000 } as const;

/** Images whose pre-activations the CryptoDL-style fit is made under. */
const FIT_IMAGES = 5000;

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

/** Two hidden-layer activations (after conv1 and after fc1). */
type ActivationPair = readonly [TrainingActivation, TrainingActivation];

/** One training run in progress: the network, its data and the phases so far. */
interface VariantRun {
  readonly variant: VariantName;
  readonly config: VariantConfig;
  readonly data: MnistData;
  readonly head: Head;
  readonly shuffle: RandomSource;
  readonly progress: boolean;
  readonly stages: StageRecord[];
}

/** Trains one phase, measures float test accuracy, records and logs it. */
function phase(
  run: VariantRun,
  stage: string,
  epochs: number,
  learningRate: number,
  acts: ActivationPair,
): StageRecord {
  const { variant, config, data, head } = run;
  const t0 = performance.now();
  const stats = trainPhase(head, data.train, acts, {
    label: `${variant} ${stage}`,
    epochs,
    batchSize: config.batchSize,
    learningRate,
    random: run.shuffle,
    clipNorm: config.clipNorm,
    weightDecay: config.weightDecay,
    shift: config.shift,
    progress: run.progress,
  });
  const accuracy = floatAccuracy(head, acts, data.test);
  const record = {
    stage,
    accuracy,
    seconds: (performance.now() - t0) / 1000,
    sparsity: sparsities(head),
  };
  run.stages.push(record);
  log(
    run.progress,
    `${variant} ${stage}: float test accuracy ${(accuracy * 100).toFixed(2)}%, loss ` +
      `${stats.loss.toFixed(4)}, ${record.seconds.toFixed(1)} s, sparsity ` +
      record.sparsity.map((s) => s.toFixed(3)).join("/"),
  );
  return record;
}

/**
 * Step 1: the variant's activations. CryptoDL style: pretrain with the exact ReLU, then fit the
 * least-squares polynomial under each hidden layer's pre-activations; else the fixed polynomial.
 */
function chooseActivations(run: VariantRun): [PolynomialActivation, PolynomialActivation] {
  const a = run.config.activation;
  if (a.kind !== "relu-ls") {
    const p = a.kind === "square"
      ? squareActivation()
      : pow2Activation(a.kind === "relu-aq" ? "relu" : "swish");
    return [p, p];
  }
  const { head, data, variant } = run;
  phase(run, "relu pretraining", a.pretrainEpochs, run.config.learningRate, [
    EXACT_RELU,
    EXACT_RELU,
  ]);
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
      run.progress,
      `${variant} act${l + 1}: least squares [${f.fit.exact.map((c) => c.toPrecision(4))}] -> ` +
        `[${f.coefficients}] (grid 2^-${f.fit.shift}, mse ${f.fit.exactMse.toPrecision(4)} -> ` +
        `${f.fit.mse.toPrecision(4)})`,
    )
  );
  return [
    { kind: fits[0].kind, coefficients: fits[0].coefficients },
    { kind: fits[1].kind, coefficients: fits[1].coefficients },
  ];
}

type Weights = [WeightExport, WeightExport, WeightExport];
type IntCompression = Extract<CompressionChoice, { kind: "int" }>;
type Pow2Compression = Extract<CompressionChoice, { kind: "pow2" }>;

/** Step 3, `int`: round every layer to fixed point, freeze the weights, fine-tune the biases. */
function compressInt(run: VariantRun, c: IntCompression, acts: ActivationPair): Weights {
  const { head } = run;
  head.layers.forEach((_, l) => roundToFixedPoint(layerWeights(head, l), c.bits[l]));
  freezeWeights(head);
  phase(
    run,
    `int${c.bits.join("/")} rounding + bias fine-tune`,
    c.biasEpochs,
    run.config.fineTuneRate,
    acts,
  );
  return c.bits.map((bits) => ({ kind: "int", bits })) as Weights;
}

/**
 * Step 3, `pow2`: progressive pruning (fine-tuning after each step), then INQ stages.
 *
 * @returns the record of the last pruning phase (the float accuracy reported), else `floatRecord`.
 */
function compressPow2(
  run: VariantRun,
  c: Pow2Compression,
  acts: ActivationPair,
  floatRecord: StageRecord,
): StageRecord {
  const { head, variant } = run;
  const rate = run.config.fineTuneRate;
  const schedules = c.sparsity.map((s) => pruningSchedule(s, c.pruneSteps));
  let last = floatRecord;
  for (let i = 0; i < c.pruneSteps; i++) {
    pruneLayers(head, schedules.map((s) => s[i]));
    last = phase(run, `prune ${i + 1}/${c.pruneSteps}`, c.pruneEpochs, rate, acts);
  }
  const ranges = layerExponentRanges(head, c.levels);
  log(
    run.progress,
    `${variant} exponent ranges: ${
      ranges.map((r) => `[${r.minExponent}, ${r.maxExponent}]`).join(" ")
    }`,
  );
  for (const share of INQ_SCHEDULE) {
    quantizeStage(head, share, ranges);
    const final = share >= 1;
    phase(
      run,
      `inq ${share * 100}%${final ? " + bias fine-tune" : ""}`,
      final ? c.biasEpochs : c.inqEpochs,
      rate,
      acts,
    );
  }
  checkPow2(head, ranges);
  return last;
}

/** Step 4: exact integer accuracy of the exported model, and its agreement with the float one. */
function integerScores(
  run: VariantRun,
  draft: QuantizedModel,
  acts: ActivationPair,
): { quantizedAccuracy: number; agreement: number } {
  const test = run.data.test;
  const intPred = integerPredictions(draft, test);
  const floatPred = floatPredictions(run.head, acts, test);
  let hits = 0, agree = 0;
  for (let i = 0; i < test.count; i++) {
    if (intPred[i] === test.y[i]) hits++;
    if (intPred[i] === floatPred[i]) agree++;
  }
  return { quantizedAccuracy: hits / test.count, agreement: agree / test.count };
}

function logResult(progress: boolean, s: VariantSummary): void {
  log(
    progress,
    `${s.name}: float ${(s.floatAccuracy * 100).toFixed(2)}%, quantized ` +
      `${(s.quantizedAccuracy * 100).toFixed(2)}% (agreement ${
        (s.agreement * 100).toFixed(2)
      }%), ` +
      `log2 bound ${s.outputBoundLog2.toFixed(1)}, ${s.trainingSeconds.toFixed(0)} s`,
  );
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
  const backend = await initTf();
  const data = options.data ?? await loadMnistData(quick);
  const start = performance.now();
  const run: VariantRun = {
    variant,
    config,
    data,
    shuffle: seededRandom(`mnist-cryptonets:${variant}:${seed}:shuffle`),
    head: createCryptoNetsHead({
      random: seededRandom(`mnist-cryptonets:${variant}:${seed}:init`),
      gain: config.gain,
    }),
    progress: options.progress ?? true,
    stages: [],
  };
  const polys = chooseActivations(run); // 1. activations
  const floatRecord = phase(run, "float", config.epochs, config.learningRate, polys); // 2.
  const c = config.compression; // 3. compression
  const weights: Weights = c.kind === "int"
    ? compressInt(run, c, polys)
    : [{ kind: "pow2" }, { kind: "pow2" }, { kind: "pow2" }];
  const reported = c.kind === "int" ? floatRecord : compressPow2(run, c, polys, floatRecord);
  // 4. Export and exact integer evaluation.
  const draft = exportCryptoNets(run.head, {
    name: `mnist-${variant}`,
    weights,
    activations: polys,
  });
  const summary: VariantSummary = {
    name: variant,
    floatAccuracy: reported.accuracy,
    ...integerScores(run, draft, polys),
    testImages: data.test.count,
    trainImages: data.train.count,
    sparsity: modelSparsity(draft),
    outputBoundLog2: outputBoundLog2(draft),
    trainingSeconds: (performance.now() - start) / 1000,
    stages: run.stages,
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
  logResult(run.progress, summary);
  return { ...summary, model, cached: false };
}
