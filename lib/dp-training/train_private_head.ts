/**
 * The whole private training of a head, with one privacy budget for everything that touches the
 * private data:
 *
 * 1. DP-SGD training of the float head (with the quantized activation in place);
 * 2. progressive magnitude pruning, with DP-SGD fine-tuning after each step;
 * 3. incremental power-of-two quantization (50% -> 75% -> 87.5% -> 100% of each layer), with
 *    DP-SGD retraining of the rest between stages;
 * 4. export to the model format and exact integer evaluation of the exported model.
 *
 * The noise multiplier is calibrated once for the total number of steps of all phases, and
 * every phase is spent through a {@linkcode BudgetAccountant} before it runs, which refuses to
 * pass the budget. Pruning and quantization decisions use only released weights. Sampling and
 * noise come from `crypto.getRandomValues` unless the caller passes a seeded `noiseRandom`.
 * Nothing computed from the private training split besides the DP-SGD releases leaves this
 * function (no clipped fractions or losses); the accuracies are on the test split.
 *
 * @module
 */
import {
  compileModel,
  dequantizeFeatures,
  type InputSpec,
  type NoiseSource,
  type QuantizedModel,
} from "../model/mod.ts";
import { predictPlain } from "../he-head/engine/plain.ts";
import { BudgetAccountant, type LedgerEntry } from "./accounting/budget_accountant.ts";
import { calibrateNoiseMultiplier, trainingPldInterval } from "./accounting/calibrate.ts";
import type { Accountant } from "./accounting/compose_costs.ts";
import { checkDelta, checkPositive } from "../check/mod.ts";
import type { Conversion } from "./accounting/conversion.ts";
import { type DpSgdParams, type TrainingSet, trainSteps } from "./training/dp_sgd.ts";
import { exportHead, roundBiases } from "./compression/export_model.ts";
import { accuracy, argmaxRows, createHead, type Head, headLogits } from "./training/head.ts";
import { adam } from "./training/optimizer.ts";
import {
  headExponentRanges,
  INQ_SCHEDULE,
  quantizeShare,
} from "./compression/pow2_quantization.ts";
import { type PrivacyCost, subsampledGaussianCost } from "./accounting/privacy_cost.ts";
import {
  checkSparsity,
  layerSparsity,
  pruneToSparsity,
  pruningSchedule,
} from "./compression/pruning.ts";
import { noiseSourceOf, type RandomSource, secureRandom } from "./mechanisms/random.ts";
import { dpSgdEpsilon, stepsForEpochs } from "./accounting/rdp_accountant.ts";

/** Integer features (the model's inputs) with labels. */
export interface IntegerExamples {
  /** `count x prod(input.shape)` integers in `[input.min, input.max]`, row-major. */
  x: Int32Array;
  /** Labels in `[0, classes)`. */
  y: Int32Array;
  /** Number of examples. */
  count: number;
  /**
   * Releases already made on these examples (e.g. the DP bounds of a table's columns): every
   * private training on them spends these first, composed with its DP-SGD phases, so they are
   * in its calibration, ledger and epsilon.
   */
  spent?: readonly PrivacyCost[];
}

/** The privacy target of a run. */
export interface PrivacyTarget {
  /** Total epsilon over all phases (> 0, finite). */
  targetEpsilon: number;
  /** Delta, in (0, 1). */
  delta: number;
  /** RDP-to-(epsilon, delta) conversion (default `tight`). */
  conversion?: Conversion;
  /** The accountant the target is met under: `pld` (default, tighter) or `rdp`. */
  accountant?: Accountant;
  /**
   * Further releases already made on the training split: spent first (after
   * `train.spent`), composed with every DP-SGD phase, and included in the calibration and the
   * total.
   */
  prior?: readonly PrivacyCost[];
}

/** Everything released on the training split before DP-SGD: `train.spent`, then `prior`. */
function priorOf(o: PrivateHeadOptions): PrivacyCost[] {
  return [...(o.train.spent ?? []), ...(o.privacy?.prior ?? [])];
}

/** Options of {@linkcode trainPrivateHead}. */
export interface PrivateHeadOptions {
  /** Private training examples. */
  train: IntegerExamples;
  /** Private held-out examples (accuracy only; never trained on). */
  test: IntegerExamples;
  /** The integer input format (scale, range), from the public feature extractor. */
  input: InputSpec;
  /** Class names. */
  classes: string[];
  /** Model name. */
  name: string;
  /** Hidden layer widths (`[]` for a linear head). */
  hidden: number[];
  /** The activation in place during training and in the model. */
  activation: { kind: string; coefficients: number[] };
  /** The privacy target, or null for a NON-private baseline. */
  privacy: PrivacyTarget | null;
  /** Total passes over the private data, all phases together. */
  epochs: number;
  /** Expected batch size (Poisson sampling rate = batchSize / train.count). */
  batchSize: number;
  /** Per-example clipping norm C. */
  clipNorm: number;
  /** Adam learning rate of the first phase (compression phases use half of it). */
  learningRate: number;
  /** Target fraction of zero weights per layer, in [0, 1). */
  sparsity: number;
  /** Pruning steps (default 3). */
  pruneSteps?: number;
  /** Nonzero power-of-two magnitudes per layer (default 8). */
  exponentLevels?: number;
  /** Randomness for initialisation only (not part of the guarantee; may be seeded). */
  random: RandomSource;
  /**
   * Randomness for Poisson sampling and DP noise. Default: a fresh {@linkcode secureRandom}
   * (`crypto.getRandomValues`). A seeded source makes the run reproducible and NOT private
   * (the result's `noiseSource` is then `"seeded"`).
   */
  noiseRandom?: RandomSource;
  /** Progress: steps done, total steps, current phase. */
  onProgress?: (done: number, total: number, phase: string) => void;
}

/** A planned phase: a compression action, then DP-SGD steps. */
export interface PhasePlan {
  /** `train`, `prune 1/3`, `inq 50%`, ... */
  name: string;
  /** What happens before the steps. */
  action: { kind: "none" } | { kind: "prune"; sparsity: number } | {
    kind: "quantize";
    share: number;
  };
  /** Passes over the data in this phase. */
  epochs: number;
  /** DP-SGD steps in this phase. */
  steps: number;
}

/** What happened in a phase. */
export interface PhaseReport extends PhasePlan {
  /** Test accuracy after the phase (float head). */
  testAccuracy: number;
  /** Sparsity per layer after the phase. */
  sparsity: number[];
  /** Privacy ledger entry (absent for non-private runs). */
  privacy?: LedgerEntry;
}

/** The result of {@linkcode trainPrivateHead}. */
export interface PrivateHeadResult {
  /** The exported, validated model (metadata to be completed by the caller's model card). */
  model: QuantizedModel;
  /** The final head (float view of the quantized weights). */
  head: Head;
  /** True for a DP run (private only when `noiseSource` is `"crypto"`). */
  private: boolean;
  /** Where sampling and noise came from (null for a non-private run). */
  noiseSource: NoiseSource | null;
  /** Total epsilon spent, by the chosen accountant (null for a non-private run). */
  epsilon: number | null;
  /** The accountant of `epsilon` (null for a non-private run). */
  accountant: Accountant | null;
  /** The same total by the RDP accountant (null for a non-private run). */
  epsilonRdp: number | null;
  /** The same total by the PLD accountant (null for a non-private run). */
  epsilonPld: number | null;
  /** The PLD grid step of `epsilonPld`. */
  pldInterval: number | null;
  /** The RDP total under the classic conversion (for comparison with older reports). */
  epsilonClassic: number | null;
  /** RDP order attaining the DP-SGD phases' RDP epsilon. */
  order: number | null;
  /** Delta (null for a non-private run). */
  delta: number | null;
  /** Conversion used (null for a non-private run). */
  conversion: Conversion | null;
  /** Calibrated noise multiplier (0 for a non-private run). */
  noiseMultiplier: number;
  /** Poisson sampling rate. */
  sampleRate: number;
  /** DP-SGD steps over all phases. */
  steps: number;
  /** What happened in each phase. */
  phases: PhaseReport[];
  /** Test accuracies: after float training, after pruning, and of the exported integer model. */
  testAccuracy: { float: number; pruned: number; quantized: number };
  /** Test accuracy of the float simulation of the final quantized head (should match). */
  quantizedFloatAccuracy: number;
  /** Sparsity per dense layer of the exported model. */
  sparsity: number[];
  /** The budget accountant's ledger. */
  ledger: readonly LedgerEntry[];
}

/**
 * How the epochs are shared among phases: half for the first training, a fifth for pruning
 * (split over the pruning steps), the rest for the four INQ stages; without pruning its share
 * goes to the first training. After the last INQ stage (100%) every weight is frozen and only
 * the biases are fine-tuned.
 */
function planPhases(
  p: { epochs: number; sampleRate: number; sparsity: number; pruneSteps: number },
): PhasePlan[] {
  const { epochs, sampleRate, sparsity, pruneSteps } = p;
  const prune = sparsity > 0 ? pruningSchedule(sparsity, pruneSteps) : [];
  const trainShare = prune.length > 0 ? 0.5 : 0.7;
  const plans: PhasePlan[] = [];
  const add = (name: string, action: PhasePlan["action"], e: number) =>
    plans.push({ name, action, epochs: e, steps: stepsForEpochs(e, sampleRate) });
  add("train", { kind: "none" }, epochs * trainShare);
  prune.forEach((s, i) =>
    add(
      `prune ${i + 1}/${prune.length}`,
      { kind: "prune", sparsity: s },
      (epochs * 0.2) / prune.length,
    )
  );
  const stages = INQ_SCHEDULE.length;
  for (const share of INQ_SCHEDULE) {
    add(
      share === 1 ? "inq 100% (bias tune)" : `inq ${share * 100}%`,
      { kind: "quantize", share },
      (epochs * 0.3) / stages,
    );
  }
  return plans;
}

function toTrainingSet(ex: IntegerExamples, input: InputSpec, classes: number): TrainingSet {
  const dim = input.shape.reduce((a, b) => a * b, 1);
  if (ex.x.length !== ex.count * dim) {
    throw new RangeError(`expected ${ex.count} x ${dim} features, received ${ex.x.length}`);
  }
  return { x: dequantizeFeatures(ex.x, input), y: ex.y, count: ex.count, dim, classes };
}

function checkOptions(o: PrivateHeadOptions): void {
  checkSparsity(o.sparsity);
  checkPositive(o.epochs, "number of epochs");
  if (!Number.isInteger(o.batchSize) || o.batchSize < 1 || o.batchSize > o.train.count) {
    throw new RangeError(
      `expected an expected batch size in 1..${o.train.count} (the training set), received ${o.batchSize}`,
    );
  }
  if (!(o.clipNorm > 0)) throw new RangeError(`expected a clip norm > 0, received ${o.clipNorm}`);
  if (o.privacy) {
    checkPositive(o.privacy.targetEpsilon, "target epsilon");
    checkDelta(o.privacy.delta);
  }
}

/** DP-SGD parameters (the calibrated noise) and the budget every phase spends from, or nulls. */
interface PrivacySetup {
  dp: DpSgdParams | null;
  budget: BudgetAccountant | null;
}

function setUpPrivacy(
  o: PrivateHeadOptions,
  sampleRate: number,
  plans: PhasePlan[],
): PrivacySetup {
  if (!o.privacy) return { dp: null, budget: null };
  const conversion = o.privacy.conversion ?? "tight";
  const accountant = o.privacy.accountant ?? "pld";
  const phaseSteps = plans.map((p) => p.steps);
  const cal = calibrateNoiseMultiplier({
    targetEpsilon: o.privacy.targetEpsilon,
    delta: o.privacy.delta,
    sampleRate,
    steps: phaseSteps.reduce((a, b) => a + b, 0),
    phaseSteps,
    prior: priorOf(o),
    accountant,
    conversion,
  });
  const budget = new BudgetAccountant({
    epsilon: o.privacy.targetEpsilon,
    delta: o.privacy.delta,
    conversion,
    accountant,
    pldInterval: cal.pldInterval,
  });
  for (const cost of priorOf(o)) budget.spend(cost);
  return { dp: { clipNorm: o.clipNorm, noiseMultiplier: cal.noiseMultiplier }, budget };
}

/**
 * The total of the same spends by both accountants (the chosen one's equals the budget's; the
 * other is printed beside it), and the PLD grid step.
 */
function bothTotals(
  o: PrivateHeadOptions,
  sigma: number,
  sampleRate: number,
  plans: PhasePlan[],
): { rdp: number; pld: number; classic: number; pldInterval: number } {
  const steps = plans.reduce((s, p) => s + p.steps, 0);
  const pldInterval = trainingPldInterval({ noiseMultiplier: sigma, sampleRate, steps });
  const total = (accountant: Accountant, conversion = o.privacy!.conversion) => {
    const b = new BudgetAccountant({
      epsilon: Infinity,
      delta: o.privacy!.delta,
      conversion,
      accountant,
      pldInterval,
    });
    for (const cost of priorOf(o)) b.spend(cost);
    for (const p of plans) {
      if (p.steps > 0) {
        b.spend(
          subsampledGaussianCost({
            label: p.name,
            sampleRate,
            noiseMultiplier: sigma,
            steps: p.steps,
          }),
        );
      }
    }
    return b.total().epsilon;
  };
  const [rdp, pld, classic] = [total("rdp"), total("pld"), total("rdp", "classic")];
  return { rdp, pld, classic, pldInterval };
}

/** What the phases need besides the head. */
interface PhaseContext {
  o: PrivateHeadOptions;
  train: TrainingSet;
  testAcc: () => number;
  sampleRate: number;
  totalSteps: number;
  noiseRandom: RandomSource;
  privacy: PrivacySetup;
}

/** Runs the phases in order (train, prune, quantize), spending the budget phase by phase. */
function runPhases(head: Head, plans: PhasePlan[], c: PhaseContext) {
  const { o, train, sampleRate, totalSteps } = c, { dp, budget } = c.privacy;
  const phases: PhaseReport[] = [];
  let done = 0, ranges: ReturnType<typeof headExponentRanges> | null = null;
  let floatAcc = NaN, prunedAcc = NaN;
  for (const plan of plans) {
    if (plan.action.kind === "prune") pruneToSparsity(head, plan.action.sparsity);
    if (plan.action.kind === "quantize") {
      ranges ??= headExponentRanges(head, o.exponentLevels ?? 8);
      quantizeShare(head, plan.action.share, ranges);
    }
    let privacy: LedgerEntry | undefined;
    if (budget && dp && plan.steps > 0) {
      privacy = budget.spend(subsampledGaussianCost({
        label: `dp-sgd: ${plan.name} (${plan.steps} steps)`,
        sampleRate,
        noiseMultiplier: dp.noiseMultiplier,
        steps: plan.steps,
      }));
    }
    trainSteps(head, train, {
      steps: plan.steps,
      sampleRate,
      optimizer: adam({
        learningRate: plan.name === "train" ? o.learningRate : o.learningRate / 2,
      }),
      random: c.noiseRandom,
      privacy: dp,
      onStep: (s) => o.onProgress?.(done + s, totalSteps, plan.name),
    });
    done += plan.steps;
    const acc = c.testAcc();
    phases.push({
      ...plan,
      testAccuracy: acc,
      sparsity: head.layers.map((_, l) => layerSparsity(head, l)),
      ...(privacy ? { privacy } : {}),
    });
    if (plan.name === "train") floatAcc = prunedAcc = acc;
    if (plan.action.kind === "prune") prunedAcc = acc;
  }
  return { phases, floatAcc, prunedAcc };
}

/**
 * The privacy fields of the result: spent epsilon, the other accountant's figure, the classic
 * conversion's, the RDP order of the DP-SGD phases.
 */
function privacySummary(
  o: PrivateHeadOptions,
  privacy: PrivacySetup,
  noiseRandom: RandomSource,
  sampleRate: number,
  plans: PhasePlan[],
) {
  const { dp, budget } = privacy;
  const total = budget?.total();
  const totalSteps = plans.reduce((s, p) => s + p.steps, 0);
  const both = dp ? bothTotals(o, dp.noiseMultiplier, sampleRate, plans) : null;
  const at = (conversion: Conversion | undefined) =>
    dpSgdEpsilon({
      noiseMultiplier: dp!.noiseMultiplier,
      sampleRate,
      steps: totalSteps,
      delta: o.privacy!.delta,
      conversion,
    });
  return {
    private: o.privacy !== null,
    noiseSource: o.privacy === null ? null : noiseSourceOf(noiseRandom),
    epsilon: total ? total.epsilon : null,
    accountant: o.privacy ? (o.privacy.accountant ?? "pld") : null,
    epsilonRdp: both?.rdp ?? null,
    epsilonPld: both?.pld ?? null,
    pldInterval: both?.pldInterval ?? null,
    epsilonClassic: both?.classic ?? null,
    order: dp ? at(o.privacy!.conversion).order : null,
    delta: o.privacy?.delta ?? null,
    conversion: o.privacy ? (o.privacy.conversion ?? "tight") : null,
    noiseMultiplier: dp?.noiseMultiplier ?? 0,
  };
}

/**
 * Trains, prunes and quantizes a head on private data under one privacy budget, exports it and
 * measures its accuracy on the private test split at every stage.
 *
 * @throws {CalibrationError} when no noise multiplier reaches the target epsilon.
 * @throws {RangeError} for bad arguments (epsilon <= 0, delta outside (0, 1), sparsity outside
 * [0, 1), ...).
 */
export function trainPrivateHead(o: PrivateHeadOptions): PrivateHeadResult {
  checkOptions(o);
  const classes = o.classes.length;
  const train = toTrainingSet(o.train, o.input, classes);
  const test = toTrainingSet(o.test, o.input, classes);
  const sampleRate = o.batchSize / train.count;
  const plans = planPhases({
    epochs: o.epochs,
    sampleRate,
    sparsity: o.sparsity,
    pruneSteps: o.pruneSteps ?? 3,
  });
  const totalSteps = plans.reduce((s, p) => s + p.steps, 0);
  const privacy = setUpPrivacy(o, sampleRate, plans);
  const head = createHead({
    inputDim: train.dim,
    hidden: o.hidden,
    classes,
    activation: o.activation.coefficients,
    random: o.random,
  });
  const noiseRandom = o.noiseRandom ?? secureRandom();
  const testAcc = () =>
    accuracy(argmaxRows(headLogits(head, test.x, test.count), test.count), test.y);
  const { phases, floatAcc, prunedAcc } = runPhases(head, plans, {
    o,
    train,
    testAcc,
    sampleRate,
    totalSteps,
    noiseRandom,
    privacy,
  });
  o.onProgress?.(totalSteps, totalSteps, "export");
  roundBiases(head, o.input.scale_log2);
  const model = exportHead(head, {
    name: o.name,
    input: o.input,
    activationKind: o.activation.kind,
    classes: o.classes,
  });
  const quantizedAcc = accuracy(
    predictPlain(compileModel(model), o.test.x, o.test.count),
    o.test.y,
  );
  return {
    model,
    head,
    ...privacySummary(o, privacy, noiseRandom, sampleRate, plans),
    sampleRate,
    steps: totalSteps,
    phases,
    testAccuracy: { float: floatAcc, pruned: prunedAcc, quantized: quantizedAcc },
    quantizedFloatAccuracy: testAcc(),
    sparsity: head.layers.map((_, l) => layerSparsity(head, l)),
    ledger: privacy.budget?.ledger() ?? [],
  };
}
