/**
 * The command line of `deno task train`, parsed and validated into {@linkcode TrainOptions}.
 * Every bad value is a {@linkcode UsageError} (or a RangeError from the checks shared with the
 * library) whose message names the option, what was expected and what was received.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { ACTIVATION_NAMES, type ActivationName } from "../../lib/dp-training/activations/activation_functions.ts";
import { checkDelta } from "../../lib/check/mod.ts";
import { type Conversion, CONVERSIONS } from "../../lib/dp-training/accounting/conversion.ts";
import { UsageError } from "../../lib/dp-training/errors.ts";

/** Data sets the trainer knows. */
export const DATASETS = ["uci-digits", "breast-cancer"] as const;
/** A data set name. */
export type DatasetName = typeof DATASETS[number];

/**
 * Default Adam learning rates, chosen once on a validation split carved out of each training
 * split at epsilon 3 (the test splits were not used).
 */
export const DEFAULT_LEARNING_RATE: Readonly<Record<DatasetName, number>> = Object.freeze({
  "uci-digits": 0.003,
  "breast-cancer": 0.05,
});

/** Where the head's inputs come from. */
export type FeatureSource = "extractor" | "raw";

/** Activations the head can be trained with: a power-of-two fit, or the CryptoNets square. */
export type HeadActivation = ActivationName | "square";

/** Everything `deno task train` needs. */
export interface TrainOptions {
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
  --features extractor|raw             head inputs: public extractor features (default; for
                                       breast-cancer the public standardizer) or raw pixels
  --extractor PATH                     extractor model.json or folder (default models/extractor)
  --target-epsilon E                   total epsilon over all phases (default 3; inf = no DP)
  --no-dp                              non-private baseline (reported as such)
  --delta D                            delta in (0, 1) (default 1e-5)
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
  --out FILE                           model file (default models/head/<dataset>.json)
  --json                               print the model card as the last stdout line
  --quiet                              no progress bar`;

function num(name: string, v: string, check: (x: number) => boolean, expected: string): number {
  const x = Number(v);
  if (v.trim() === "" || Number.isNaN(x) || !check(x)) {
    throw new UsageError(`--${name}: expected ${expected}, received ${JSON.stringify(v)}`);
  }
  return x;
}

const int = (name: string, v: string, min: number, max: number) =>
  num(
    name,
    v,
    (x) => Number.isInteger(x) && x >= min && x <= max,
    `an integer in [${min}, ${max}]`,
  );

/**
 * Joins `--name -3` into `--name=-3` so a negative number reaches the range checks (and their
 * clear messages) instead of being read as an unknown option.
 */
export function joinNegativeValues(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i], next = args[i + 1];
    if (
      a.startsWith("--") && !a.includes("=") && next !== undefined && /^-(\d|\.\d|inf)/i.test(next)
    ) {
      out.push(`${a}=${next}`);
      i++;
    } else {
      out.push(a);
    }
  }
  return out;
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
  let values;
  try {
    ({ values } = parseArgs({
      args: joinNegativeValues(args),
      strict: true,
      allowPositionals: false,
      options: {
        dataset: { type: "string", default: "uci-digits" },
        features: { type: "string" },
        extractor: { type: "string" },
        "target-epsilon": { type: "string" },
        "no-dp": { type: "boolean", default: false },
        delta: { type: "string", default: "1e-5" },
        conversion: { type: "string", default: "tight" },
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
      },
    }));
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\n${TRAIN_USAGE}`);
  }
  if (values.help) throw new UsageError(TRAIN_USAGE);
  const dataset = values.dataset as DatasetName;
  if (!DATASETS.includes(dataset)) {
    throw new UsageError(
      `--dataset: expected one of ${DATASETS.join(", ")}, received ${
        JSON.stringify(values.dataset)
      }`,
    );
  }
  const features = (values.features ?? "extractor") as FeatureSource;
  if (features !== "extractor" && features !== "raw") {
    throw new UsageError(
      `--features: expected extractor or raw, received ${JSON.stringify(features)}`,
    );
  }
  let targetEpsilon: number | null = 3;
  const epsArg = values["target-epsilon"];
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
  if (values["no-dp"]) {
    if (epsArg !== undefined && targetEpsilon !== null) {
      throw new UsageError(`--no-dp: cannot be combined with --target-epsilon ${epsArg}`);
    }
    targetEpsilon = null;
  }
  const delta = num("delta", values.delta!, (x) => x > 0 && x < 1, "a number in (0, 1)");
  checkDelta(delta);
  const conversion = values.conversion as Conversion;
  if (!CONVERSIONS.includes(conversion)) {
    throw new UsageError(
      `--conversion: expected tight or classic, received ${JSON.stringify(values.conversion)}`,
    );
  }
  const hidden = values.hidden!.trim() === "0"
    ? []
    : values.hidden!.split(",").map((h) => int("hidden", h, 1, 4096));
  const activation = values.activation as HeadActivation;
  if (![...ACTIVATION_NAMES, "square"].includes(activation)) {
    throw new UsageError(
      `--activation: expected one of ${[...ACTIVATION_NAMES, "square"].join(", ")}, received ${
        JSON.stringify(values.activation)
      }`,
    );
  }
  return {
    dataset,
    features,
    ...(values.extractor === undefined ? {} : { extractor: values.extractor }),
    targetEpsilon,
    delta,
    conversion,
    hidden,
    activation,
    activationDegree: int("activation-degree", values["activation-degree"]!, 1, 4),
    sparsity: num("sparsity", values.sparsity!, (x) => x >= 0 && x < 1, "a number in [0, 1)"),
    exponentLevels: int("exponent-levels", values["exponent-levels"]!, 1, 16),
    epochs: num("epochs", values.epochs!, (x) => x > 0 && x <= 10_000, "a number in (0, 10000]"),
    batchSize: int("batch-size", values["batch-size"]!, 1, 1 << 20),
    clipNorm: num(
      "clip-norm",
      values["clip-norm"]!,
      (x) => x > 0 && Number.isFinite(x),
      "a number > 0",
    ),
    learningRate: num(
      "learning-rate",
      values["learning-rate"] ?? String(DEFAULT_LEARNING_RATE[dataset]),
      (x) => x > 0 && Number.isFinite(x),
      "a number > 0",
    ),
    seed: values.seed!,
    seededNoise: values["seeded-noise"]!,
    out: values.out ?? `models/head/${dataset.replace("-", "_")}.json`,
    json: values.json!,
    quiet: values.quiet!,
  };
}
