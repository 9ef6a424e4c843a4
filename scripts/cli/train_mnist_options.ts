/**
 * The command line of `deno task train:mnist`: its usage text and the parser of its options.
 * `--help` is reported in {@linkcode TrainMnistArgs.help}; a bad option throws
 * {@linkcode MnistVariantError}, which the script turns into the usage and exit code 2.
 *
 * @module
 */
import { MnistVariantError } from "../../experiments/mnist/errors.ts";
import {
  checkVariantName,
  VARIANT_NAMES,
  type VariantName,
} from "../../experiments/mnist/variants.ts";

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
