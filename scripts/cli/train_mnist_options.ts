/**
 * The command line of `deno task train:mnist` and its report: a table for people (stderr) and
 * one JSON line for programs (stdout).
 *
 * @module
 */
import { MnistVariantError } from "../../experiments/mnist/errors.ts";
import type { VariantSummary } from "../../experiments/mnist/result.ts";
import { checkVariantName, VARIANT_NAMES, type VariantName } from "../../experiments/mnist/variants.ts";

/** Usage text of `deno task train:mnist`. */
export const TRAIN_MNIST_USAGE =
  `deno task train:mnist [--variant all|NAME[,NAME...]] [--retrain] [--quick]
  [--seed N] [--json] [--quiet]

Trains the MNIST networks of the paper's experiment (CryptoNets architecture) and exports them
to models/mnist/<variant>.json, or loads the stored models when present.

  --variant   all (default) or a comma-separated list of: ${VARIANT_NAMES.join(", ")}
  --retrain   train even when a model is stored, and overwrite it
  --quick     2000 training / 1000 test images, short phases; never reads or writes models/
  --seed N    seed of initialisation and shuffling (default 1)
  --json      print the results as one JSON line (the last line of stdout)
  --quiet     no progress on stderr`;

/** Parsed options of `train:mnist`. */
export interface TrainMnistArgs {
  /** Variants, in report order. */
  variants: VariantName[];
  /** Train even when stored. */
  retrain: boolean;
  /** Quick smoke run. */
  quick: boolean;
  /** Seed. */
  seed: number;
  /** JSON on stdout. */
  json: boolean;
  /** No progress. */
  quiet: boolean;
  /** Print usage and exit. */
  help: boolean;
}

/**
 * Parses the arguments of `train:mnist`.
 *
 * @example
 * ```ts
 * import { parseTrainMnistArgs } from "./train_mnist_options.ts";
 * parseTrainMnistArgs(["--variant", "cryptonets", "--json"]).variants; // ["cryptonets"]
 * ```
 * @throws {MnistVariantError} for an unknown option, a missing value or a bad variant or seed.
 */
export function parseTrainMnistArgs(args: readonly string[]): TrainMnistArgs {
  const out: TrainMnistArgs = {
    variants: [...VARIANT_NAMES],
    retrain: false,
    quick: false,
    seed: 1,
    json: false,
    quiet: false,
    help: false,
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const [flag, inline] = a.includes("=")
      ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)]
      : [a, undefined];
    const value = () => {
      const v = inline ?? args[++i];
      if (v === undefined) {
        throw new MnistVariantError(`expected a value after ${flag}, received none`);
      }
      return v;
    };
    switch (flag) {
      case "--variant": {
        const v = value();
        out.variants = v === "all"
          ? [...VARIANT_NAMES]
          : v.split(",").map((s) => checkVariantName(s.trim()));
        break;
      }
      case "--seed": {
        const v = value();
        const n = Number(v);
        if (!Number.isSafeInteger(n)) {
          throw new MnistVariantError(`expected an integer seed, received ${JSON.stringify(v)}`);
        }
        out.seed = n;
        break;
      }
      case "--retrain":
        out.retrain = true;
        break;
      case "--quick":
        out.quick = true;
        break;
      case "--json":
        out.json = true;
        break;
      case "--quiet":
        out.quiet = true;
        break;
      case "--help":
      case "-h":
        out.help = true;
        break;
      default:
        throw new MnistVariantError(
          "expected one of --variant, --retrain, --quick, --seed, --json, --quiet, --help; " +
            `received ${JSON.stringify(a)}`,
        );
    }
  }
  return out;
}

/** One variant in the JSON report (snake_case, fractions in [0, 1]). */
export interface VariantReportJson {
  /** The variant. */
  name: string;
  /** Float test accuracy before quantization. */
  float_accuracy: number;
  /** Test accuracy of the exported integer model. */
  quantized_accuracy: number;
  /** Fraction of test images where the float and integer predictions agree. */
  agreement: number;
  /** Test images measured. */
  test_images: number;
  /** Sparsity per layer name. */
  sparsity: Record<string, number>;
  /** Nonzero weights per layer name. */
  nonzeros: Record<string, number>;
  /** `log2` of the worst-case logit magnitude. */
  output_bound_log2: number;
  /** Wall-clock seconds of training. */
  training_seconds: number;
  /** Activation coefficients after conv1 and fc1. */
  activations: { kind: string; coefficients: number[] }[];
  /** Read from `models/mnist/` rather than trained. */
  cached: boolean;
  /** A quick (smoke) run. */
  quick: boolean;
  /** Seed of the run. */
  seed: number;
}

/**
 * The JSON report of a run.
 *
 * @example
 * ```ts
 * import { reportJson } from "./train_mnist_options.ts";
 * reportJson([]); // { variants: [] }
 * ```
 */
export function reportJson(
  results: readonly (VariantSummary & { cached: boolean })[],
): { variants: VariantReportJson[] } {
  return {
    variants: results.map((r) => ({
      name: r.name,
      float_accuracy: r.floatAccuracy,
      quantized_accuracy: r.quantizedAccuracy,
      agreement: r.agreement,
      test_images: r.testImages,
      sparsity: Object.fromEntries(r.sparsity.map((s) => [s.name, s.sparsity])),
      nonzeros: Object.fromEntries(r.sparsity.map((s) => [s.name, s.nonzeros])),
      output_bound_log2: r.outputBoundLog2,
      training_seconds: r.trainingSeconds,
      activations: r.activations,
      cached: r.cached,
      quick: r.quick,
      seed: r.seed,
    })),
  };
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

/** A markdown table of the results (one row per variant). */
export function reportTable(results: readonly (VariantSummary & { cached: boolean })[]): string {
  const head =
    "| variant | activation | float acc | quantized acc | agree | sparsity conv1/fc1/fc2 | " +
    "nonzeros | log2 bound | train s | source |";
  const rule = "|---|---|---|---|---|---|---|---|---|---|";
  const rows = results.map((r) =>
    `| ${r.name} | ${r.activations[0].kind} | ${pct(r.floatAccuracy)} | ${
      pct(r.quantizedAccuracy)
    } | ` +
    `${pct(r.agreement)} | ${r.sparsity.map((s) => pct(s.sparsity)).join(" / ")} | ` +
    `${r.sparsity.reduce((a, s) => a + s.nonzeros, 0)} | ${r.outputBoundLog2.toFixed(1)} | ` +
    `${r.trainingSeconds.toFixed(0)} | ${r.cached ? "stored" : r.quick ? "quick run" : "trained"} |`
  );
  return [head, rule, ...rows].join("\n");
}
