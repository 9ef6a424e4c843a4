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
  OWN_DATA_SPLIT_SEED,
} from "../../lib/dp-training/mod.ts";
import { joinNegativeValues, parseOrThrow, UsageError } from "./usage.ts";

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

/** Everything `deno task train` needs. */
export interface TrainOptions {
  /** `--dataset`. */
  dataset: DatasetName;
  /** `--features`. */
  features: FeatureSource;
  /** `--data`: the user's folder of class sub-folders or CSV file (then `dataset` is unused). */
  data?: string;
  /** `--label` (CSV). */
  label?: string;
  /** `--ignore` (CSV): columns to leave out. */
  ignore: string[];
  /** `--test-data`: held-out data in the same form as `--data`. */
  testData?: string;
  /** `--test-fraction`: share of `--data` held out (stratified, seeded). */
  testFraction: number;
  /** `--split-seed`. */
  splitSeed: string;
  /** `--upper-bounds` (CSV): public upper bound of every column, or per column. */
  upperBounds?: number | Record<string, number>;
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
  --data DIR|FILE.csv                  your own data instead: a folder with one sub-folder of
                                       PNG/JPEG/PGM images per class, or a CSV file (docs/own_data.md)
  --label COLUMN                       CSV: the label column (string or numeric labels)
  --ignore COLUMN[,COLUMN...]          CSV: columns to leave out (e.g. an id)
  --upper-bounds N|FILE.json           CSV: PUBLIC upper bound of every column, or a JSON object
                                       {column: bound} (never computed from the private rows)
  --test-data DIR|FILE.csv             held-out data in the same form (default: a split of --data)
  --test-fraction F                    share of --data held out, stratified and seeded, in [0, 1)
                                       (default 0.2)
  --split-seed S                       seed of that split (default ${OWN_DATA_SPLIT_SEED})
  --features extractor|raw             head inputs: public extractor features (default; for
                                       breast-cancer the public standardizer) or raw pixels
  --extractor PATH                     extractor model.json or folder (default models/extractor)
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

const positive = (name: string, v: string) =>
  num(name, v, (x) => x > 0 && Number.isFinite(x), "a number > 0");

/** `value` when it is one of `allowed`, else a UsageError "--name: expected <expected>, ...". */
function choice<T extends string>(
  name: string,
  value: string,
  allowed: readonly T[],
  expected = `one of ${allowed.join(", ")}`,
): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`--${name}: expected ${expected}, received ${JSON.stringify(value)}`);
  }
  return value as T;
}

/** The options table of `parseArgs` (all values as strings, checked afterwards). */
const TRAIN_ARGS = {
  dataset: { type: "string" },
  features: { type: "string", default: "extractor" },
  extractor: { type: "string" },
  data: { type: "string" },
  label: { type: "string" },
  ignore: { type: "string" },
  "upper-bounds": { type: "string" },
  "test-data": { type: "string" },
  "test-fraction": { type: "string", default: "0.2" },
  "split-seed": { type: "string", default: OWN_DATA_SPLIT_SEED },
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

/** A model file name from the `--data` path: its base name without `.csv`, in `[a-z0-9_]`. */
function ownName(data: string): string {
  const base = data.replace(/\/+$/, "").split("/").pop()!.replace(/\.csv$/i, "");
  return base.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_|_$/g, "") || "own_data";
}

/** `--upper-bounds N|FILE.json`: one bound for all columns, or a JSON object {column: bound}. */
function upperBoundsOf(arg: string): number | Record<string, number> {
  if (/^\s*[0-9.eE+]+\s*$/.test(arg)) return positive("upper-bounds", arg);
  let doc: unknown;
  try {
    doc = JSON.parse(Deno.readTextFileSync(arg));
  } catch (e) {
    throw new UsageError(
      `--upper-bounds: expected a number or a JSON file {column: bound}, received ${
        JSON.stringify(arg)
      } (${(e as Error).message})`,
    );
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
    throw new UsageError(`--upper-bounds: expected a JSON object {column: bound} in ${arg}`);
  }
  return doc as Record<string, number>;
}

/** The `--data` options (empty when `--data` is absent; then the CSV options are refused). */
function ownDataOf(
  v: Record<string, string | boolean | undefined>,
): Pick<
  TrainOptions,
  "data" | "label" | "ignore" | "testData" | "testFraction" | "splitSeed" | "upperBounds"
> {
  const s = (k: string) => v[k] as string | undefined;
  const testFraction = num(
    "test-fraction",
    s("test-fraction")!,
    (x) => x >= 0 && x < 1,
    "a number in [0, 1)",
  );
  const common = { ignore: [] as string[], testFraction, splitSeed: s("split-seed")! };
  const data = s("data");
  if (data === undefined) {
    for (const k of ["label", "ignore", "upper-bounds", "test-data"]) {
      if (s(k) !== undefined) throw new UsageError(`--${k}: expected only with --data`);
    }
    return common;
  }
  if (s("dataset") !== undefined) {
    throw new UsageError(`--data: expected either --dataset or --data, received both`);
  }
  const csv = /\.csv$/i.test(data);
  if (!csv) {
    for (const k of ["label", "ignore", "upper-bounds"]) {
      if (s(k) !== undefined) {
        throw new UsageError(`--${k}: expected only with a CSV file as --data, received a folder`);
      }
    }
  } else if (s("label") === undefined) {
    throw new UsageError("--label: expected the label column of the CSV file, received none");
  }
  return {
    ...common,
    data,
    ignore: s("ignore")?.split(",").map((c) => c.trim()).filter(Boolean) ?? [],
    ...(s("label") === undefined ? {} : { label: s("label") }),
    ...(s("test-data") === undefined ? {} : { testData: s("test-data") }),
    ...(s("upper-bounds") === undefined ? {} : { upperBounds: upperBoundsOf(s("upper-bounds")!) }),
  };
}

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
  const own = ownDataOf(v);
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
      `models/head/${own.data === undefined ? dataset.replace("-", "_") : ownName(own.data)}.json`,
    json: v.json,
    quiet: v.quiet,
  };
}
