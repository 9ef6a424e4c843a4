/**
 * `deno task train:mnist [--variant all|NAME[,NAME...]] [--retrain] [--quick] [--seed N]
 *  [--json] [--quiet]`
 *
 * Trains the four MNIST networks of the Faster CryptoNets experiment (or loads the stored ones
 * from `models/mnist/`), prints a table to stderr and, with `--json`, the results as the last
 * line of stdout. `--help` lists every option.
 *
 * @module
 */
import {
  getMnistVariant,
  loadMnistData,
  loadMnistVariant,
  MNIST_MODELS_DIR,
  type MnistData,
  MnistVariantError,
  type MnistVariantResult,
  reportJson,
  reportTable,
  VARIANT_NAMES,
  variantModelFiles,
} from "../experiments/mnist/mod.ts";
import {
  parseTrainMnistArgs,
  TRAIN_MNIST_USAGE,
  type TrainMnistArgs,
} from "./cli/train_mnist_options.ts";
import { runCli, UsageError } from "./cli/usage.ts";

/** Rewrites models/mnist/summary.json and summary.md from every stored model. */
async function writeSummary(): Promise<void> {
  const stored: MnistVariantResult[] = [];
  for (const name of VARIANT_NAMES) {
    const r = await loadMnistVariant(name);
    if (r) stored.push(r);
  }
  if (stored.length === 0) return;
  await Deno.writeTextFile(
    new URL("summary.json", MNIST_MODELS_DIR),
    JSON.stringify(reportJson(stored), null, 2) + "\n",
  );
  await Deno.writeTextFile(
    new URL("summary.md", MNIST_MODELS_DIR),
    "# MNIST models (CryptoNets architecture)\n\nWritten by `deno task train:mnist`; accuracies " +
      "on the 10,000 MNIST test images. `log2 bound`: log2 of the worst-case logit magnitude of " +
      "the integer model (simd encoding).\n\n" + reportTable(stored) + "\n",
  );
}

/** Options of the command line; a bad one is a usage error (usage on stderr, exit 2). */
function options(args: readonly string[]): TrainMnistArgs {
  try {
    return parseTrainMnistArgs(args);
  } catch (e) {
    if (e instanceof MnistVariantError) throw new UsageError(e.message);
    throw e;
  }
}

async function main(args: string[]): Promise<number> {
  const o = options(args);
  let data: MnistData | undefined;
  const results: MnistVariantResult[] = [];
  for (const name of o.variants) {
    const stored = o.quick || o.retrain ? null : await loadMnistVariant(name);
    // The data is loaded only when some variant has to be trained, then shared.
    if (!stored) data ??= await loadMnistData(o.quick);
    const r = stored ?? await getMnistVariant(name, {
      quick: o.quick,
      retrain: o.retrain,
      seed: o.seed,
      progress: !o.quiet,
      data,
    });
    results.push(r);
    if (!o.quiet) {
      const { json } = variantModelFiles(r.name);
      const where = o.quick ? "(quick run, not stored)" : `${json.pathname}[.gz]`;
      console.error(`${r.name}: ${r.cached ? "loaded from" : "trained, stored in"} ${where}`);
    }
  }
  console.error(reportTable(results));
  if (!o.quick) await writeSummary();
  if (o.json) console.log(JSON.stringify(reportJson(results)));
  return 0;
}

try {
  // --help: usage on stdout, exit 0; a bad option: the error and the usage on stderr, exit 2.
  await runCli(TRAIN_MNIST_USAGE, main);
} catch (e) {
  if (e instanceof MnistVariantError) {
    console.error(`error: ${e.message}`);
    Deno.exit(2);
  }
  throw e;
}
