/**
 * The command line of `deno task train`, parsed and validated into {@linkcode TrainOptions}.
 * Every bad value is a {@linkcode UsageError} (or a RangeError from the checks shared with the
 * library) whose message names the option, what was expected and what was received.
 *
 * @module
 */
import {
  type Accountant,
  ACCOUNTANTS,
  ACTIVATION_NAMES,
  type ActivationName,
  type Conversion,
  CONVERSIONS,
  type DatasetName,
  DATASETS,
  type FeatureSource,
} from "../../lib/dp-training/mod.ts";
import { joinNegativeValues, parseOrThrow, UsageError } from "./usage.ts";
import { choice, int, num, positive } from "./option_values.ts";
import {
  ownModelName,
  parseTrainDataArgs,
  TRAIN_DATA_ARGS,
  TRAIN_DATA_USAGE,
  type TrainDataOptions,
} from "./train_data_options.ts";
import {
  parseTrainExtractorArgs,
  TRAIN_EXTRACTOR_ARGS,
  TRAIN_EXTRACTOR_USAGE,
  type TrainExtractorOptions,
} from "./train_extractor_options.ts";

/**
 * Default Adam learning rates, chosen once on a validation split carved out of each training
 * split at epsilon 3 (the test splits were not used).
 */
const DEFAULT_LEARNING_RATE: Readonly<Record<DatasetName, number>> = Object.freeze({
  "uci-digits": 0.003,
  "breast-cancer": 0.05,
});

/** Activations the head can be trained with: a power-of-two fit, or the CryptoNets square. */
export type HeadActivation = ActivationName | "square";

/** Everything `deno task train` needs (the `--data` options: see `train_data_options.ts`). */
export interface TrainOptions extends TrainDataOptions, TrainExtractorOptions {
  /** `--dataset`. */
  dataset: DatasetName;
  /** `--features`. */
  features: FeatureSource;
  /** The extractor's `model.json` or folder (undefined: the committed one). */
  extractor?: string;
  /** Target epsilon; null for a non-private run (`--no-dp` or `--target-epsilon inf`). */
  targetEpsilon: number | null;
  /** `--delta`. */
  delta: number;
  /** `--conversion`. */
  conversion: Conversion;
  /** `--accountant`: the accountant the target epsilon is met under (default pld). */
  accountant: Accountant;
  /** `--hidden` (empty: linear head). */
  hidden: number[];
  /** `--activation`. */
  activation: HeadActivation;
  /** `--activation-degree`. */
  activationDegree: number;
  /** `--sparsity`. */
  sparsity: number;
  /** `--exponent-levels`. */
  exponentLevels: number;
  /** `--epochs` (all phases). */
  epochs: number;
  /** `--batch-size` (expected). */
  batchSize: number;
  /** `--clip-norm`. */
  clipNorm: number;
  /** `--learning-rate`. */
  learningRate: number;
  /** `--seed`: initialisation (and the noise, with `--seeded-noise`). */
  seed: string;
  /**
   * `--seeded-noise`: Poisson sampling and DP noise from `seedrandom(<seed>/dp-sgd)`,
   * reproducible and therefore NOT private (the model says `noise_source: "seeded"`). False by
   * default: they come from `crypto.getRandomValues`.
   */
  seededNoise: boolean;
  /** `--out`. */
  out: string;
  /** `--json`. */
  json: boolean;
  /** `--quiet`. */
  quiet: boolean;
}

/** The usage text. */
export const TRAIN_USAGE = `usage: deno task train [options]
  --dataset uci-digits|breast-cancer   private data set (default uci-digits)
${TRAIN_DATA_USAGE}
  --features extractor|raw             head inputs: public extractor features (default; for
                                       breast-cancer the public standardizer) or raw pixels
  --extractor PATH|URL                 extractor model.json or folder, any tfjs layers or graph
                                       model (default models/extractor)
${TRAIN_EXTRACTOR_USAGE}
  --target-epsilon E                   total epsilon over all phases (default 3; inf = no DP)
  --no-dp                              non-private baseline (reported as such)
  --delta D                            delta in (0, 1) (default 1e-5)
  --accountant pld|rdp                 accountant of the target epsilon and the noise calibration:
                                       pld (default; privacy loss distributions, tighter) or
                                       rdp; the card keeps the other one's figure beside it
  --conversion tight|classic           RDP to (eps, delta) conversion (default tight)
  --hidden N[,N...]                    hidden widths, 0 for a linear head (default 32)
  --activation relu|swish|gelu|sigmoid|square   (default swish: power-of-two fit "swish-aq")
  --activation-degree D                degree of the power-of-two fit (default 2)
  --sparsity S                         target fraction of zero weights per layer, [0, 1) (default 0.5)
  --exponent-levels L                  power-of-two magnitudes per layer (default 8)
  --epochs N                           passes over the private data, all phases (default 60)
  --batch-size B                       expected (Poisson) batch size (default 64)
  --clip-norm C                        per-example clipping norm (default 1)
  --learning-rate R                    Adam learning rate (default 0.003 uci-digits, 0.05 breast-cancer)
  --seed S                             seed of initialisation (default 1); of sampling and noise
                                       too with --seeded-noise
  --seeded-noise                       reproducible sampling and noise from seedrandom(S/dp-sgd):
                                       for tests and experiments, NOT private (the model says
                                       noise_source "seeded" and the server refuses it by
                                       default). Without it they come from crypto.getRandomValues
  --out FILE                           model file (default models/head/<dataset or --data name>.json)
  --json                               print the model card as the last stdout line
  --quiet                              no progress bar`;

/** The options table of `parseArgs` (all values as strings, checked afterwards). */
const TRAIN_ARGS = {
  dataset: { type: "string" },
  features: { type: "string", default: "extractor" },
  extractor: { type: "string" },
  ...TRAIN_DATA_ARGS,
  ...TRAIN_EXTRACTOR_ARGS,
  "target-epsilon": { type: "string" },
  "no-dp": { type: "boolean", default: false },
  delta: { type: "string", default: "1e-5" },
  conversion: { type: "string", default: "tight" },
  accountant: { type: "string", default: "pld" },
  hidden: { type: "string", default: "32" },
  activation: { type: "string", default: "swish" },
  "activation-degree": { type: "string", default: "2" },
  sparsity: { type: "string", default: "0.5" },
  "exponent-levels": { type: "string", default: "8" },
  epochs: { type: "string", default: "60" },
  "batch-size": { type: "string", default: "64" },
  "clip-norm": { type: "string", default: "1" },
  "learning-rate": { type: "string" },
  seed: { type: "string", default: "1" },
  "seeded-noise": { type: "boolean", default: false },
  out: { type: "string" },
  json: { type: "boolean", default: false },
  quiet: { type: "boolean", default: false },
  help: { type: "boolean", default: false },
} as const;

/** `--target-epsilon` and `--no-dp`: the target epsilon, or null for a non-private run. */
function targetEpsilonOf(epsArg: string | undefined, noDp: boolean): number | null {
  let targetEpsilon: number | null = 3;
  if (epsArg !== undefined) {
    const e = /^\+?inf(inity)?$/i.test(epsArg.trim()) ? Infinity : Number(epsArg);
    if (epsArg.trim() === "" || Number.isNaN(e) || !(e > 0)) {
      throw new UsageError(
        `--target-epsilon: expected a number > 0 (or inf for no DP), received ${
          JSON.stringify(epsArg)
        }`,
      );
    }
    targetEpsilon = e === Infinity ? null : e;
  }
  if (noDp) {
    if (epsArg !== undefined && targetEpsilon !== null) {
      throw new UsageError(`--no-dp: cannot be combined with --target-epsilon ${epsArg}`);
    }
    targetEpsilon = null;
  }
  return targetEpsilon;
}

/**
 * Parses the arguments of `deno task train`.
 *
 * @example
 * ```ts
 * import { parseTrainArgs } from "./train_options.ts";
 * const o = parseTrainArgs(["--dataset", "uci-digits", "--target-epsilon", "3"]);
 * ```
 * @throws {UsageError} for an unknown option or dataset, or a malformed or out-of-range value
 * (epsilon <= 0, delta outside (0, 1), sparsity outside [0, 1), ...).
 */
export function parseTrainArgs(args: string[]): TrainOptions {
  if (args.some((a) => a === "--secure-rng" || a.startsWith("--secure-rng="))) {
    throw new UsageError(
      "--secure-rng: expected no such option (removed: sampling and noise come from " +
        "crypto.getRandomValues by default; --seeded-noise asks for reproducible, NOT private " +
        "noise), received --secure-rng",
    );
  }
  const { values: v } = parseOrThrow({ args: joinNegativeValues(args), options: TRAIN_ARGS });
  if (v.help) throw new UsageError(TRAIN_USAGE);
  const dataset = choice("dataset", v.dataset ?? "uci-digits", DATASETS);
  const own = parseTrainDataArgs(v);
  const features = choice<FeatureSource>(
    "features",
    v.features,
    ["extractor", "raw"],
    "extractor or raw",
  );
  const delta = num("delta", v.delta, (x) => x > 0 && x < 1, "a number in (0, 1)");
  const hidden = v.hidden.trim() === "0"
    ? []
    : v.hidden.split(",").map((h) => int("hidden", h, 1, 4096));
  return {
    dataset,
    features,
    ...own,
    ...parseTrainExtractorArgs(v),
    ...(v.extractor === undefined ? {} : { extractor: v.extractor }),
    targetEpsilon: targetEpsilonOf(v["target-epsilon"], v["no-dp"]),
    delta,
    conversion: choice("conversion", v.conversion, CONVERSIONS, "tight or classic"),
    accountant: choice("accountant", v.accountant, ACCOUNTANTS, "pld or rdp"),
    hidden,
    activation: choice<HeadActivation>("activation", v.activation, [
      ...ACTIVATION_NAMES,
      "square",
    ]),
    activationDegree: int("activation-degree", v["activation-degree"], 1, 4),
    sparsity: num("sparsity", v.sparsity, (x) => x >= 0 && x < 1, "a number in [0, 1)"),
    exponentLevels: int("exponent-levels", v["exponent-levels"], 1, 16),
    epochs: num("epochs", v.epochs, (x) => x > 0 && x <= 10_000, "a number in (0, 10000]"),
    batchSize: int("batch-size", v["batch-size"], 1, 1 << 20),
    clipNorm: positive("clip-norm", v["clip-norm"]),
    learningRate: positive(
      "learning-rate",
      v["learning-rate"] ?? String(
        own.data === undefined
          ? DEFAULT_LEARNING_RATE[dataset]
          : DEFAULT_LEARNING_RATE[/\.csv$/i.test(own.data) ? "breast-cancer" : "uci-digits"],
      ),
    ),
    seed: v.seed,
    seededNoise: v["seeded-noise"],
    out: v.out ??
      `models/head/${
        own.data === undefined ? dataset.replace("-", "_") : ownModelName(own.data)
      }.json`,
    json: v.json,
    quiet: v.quiet,
  };
}
