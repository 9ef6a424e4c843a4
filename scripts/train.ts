/**
 * `deno task train --dataset uci-digits --target-epsilon 3 --delta 1e-5 [--hidden 32]
 *  [--sparsity 0.5] [--seed 1] [--seeded-noise] [--epochs N] [--out models/head/uci_digits.json]
 *  [--json]`
 *
 * Trains a head on private data with DP-SGD (one privacy budget over training, pruning and
 * power-of-two quantization), writes the model (validated by the model format) and its model
 * card (`<out>.card.json`, `<out>.card.md`), all three atomically. `--data DIR|FILE.csv` trains on
 * the user's own images or CSV file instead of a built-in data set (docs/own_data.md). Sampling and noise come from
 * `crypto.getRandomValues` (`noise_source: "crypto"`); `--seeded-noise` makes them reproducible
 * and the model NOT private (`noise_source: "seeded"`). A progress bar goes to stderr; with
 * `--json` the card is the last line of stdout. `--help` lists every option.
 *
 * @module
 */
import { dirname } from "node:path";
import { initTf } from "../lib/tfjs/runtime.ts";
import { parseModel, writeTextFilesAtomic } from "../lib/model/mod.ts";
import {
  buildModelCard,
  cardMetadata,
  dpBoundsNoiseMultiplier,
  dpNoiseRandom,
  loadOwnData,
  loadPrivateFeatures,
  modelCardMarkdown,
  quantizedActivation,
  seededRandom,
  trainPrivateHead,
} from "../lib/dp-training/mod.ts";
import { ProgressBar } from "../lib/report/mod.ts";
import { trainingPipeline } from "../lib/feature-extractor/mod.ts";
import { parseTrainArgs, TRAIN_USAGE } from "./cli/train_options.ts";
import { runCli } from "./cli/usage.ts";

const log = (s: string) => console.error(s);

/** The private features: the user's `--data` (with a progress bar), or a built-in data set. */
async function loadData(o: ReturnType<typeof parseTrainArgs>) {
  if (o.data === undefined) {
    return await loadPrivateFeatures(o.dataset, o.features, {
      extractor: o.extractor,
      // The noise of DP column bounds (tabular data): secret unless --seeded-noise.
      noiseRandom: dpNoiseRandom({ seededNoise: o.seededNoise, seed: `${o.seed}/bounds` }),
      boundsNoiseMultiplier: dpBoundsNoiseMultiplier(o.targetEpsilon),
    });
  }
  const bar = new ProgressBar(1, `extract ${o.data}`, !o.quiet);
  const onProgress = (done: number, total: number) => {
    bar.total = total;
    bar.update(done);
  };
  // The generic extractor path: preprocessing, public reduction and scale into the model file.
  const pipeline = o.extractorPipeline &&
    await trainingPipeline({ ...o.extractorPipeline, extractor: o.extractor!, onProgress });
  const boundsRandom = dpNoiseRandom({ seededNoise: o.seededNoise, seed: `${o.seed}/bounds` });
  const boundsNoiseMultiplier = dpBoundsNoiseMultiplier(o.targetEpsilon);
  const data = await loadOwnData({
    ...o,
    data: o.data,
    pipeline,
    onProgress,
    boundsRandom,
    boundsNoiseMultiplier,
  }).finally(() => pipeline?.dispose());
  bar.done();
  if (data.ignored.length) {
    log(
      `note: ${data.ignored.length} file(s) skipped (not .png/.jpg/.jpeg/.pgm, hidden, or outside ` +
        `a class folder): ${data.ignored.slice(0, 3).join(", ")}${
          data.ignored.length > 3 ? ", ..." : ""
        }`,
    );
  }
  log(
    `${o.data}: ${data.classes.length} classes ${JSON.stringify(data.classes)}, ` +
      `${data.train.count} training and ${data.test.count} test examples`,
  );
  return { ...data, block: pipeline?.block() };
}

async function main(args: string[]): Promise<number> {
  const o = parseTrainArgs(args);
  await initTf();
  const data = await loadData(o);
  const activation = quantizedActivation(o.activation, o.activationDegree);
  const dp = o.targetEpsilon !== null;
  if (dp && o.seededNoise) {
    log(
      "warning: --seeded-noise: DP-SGD sampling and noise come from a seeded, replayable " +
        'generator; this head is NOT private (noise_source "seeded"; the server refuses it ' +
        "unless FCN_ALLOW_SEEDED_NOISE=1). Drop --seeded-noise for a private head.",
    );
  }
  if (!dp) log("warning: --no-dp: this head is NOT differentially private (a baseline).");
  const bar = new ProgressBar(1, `train ${data.dataset}`, !o.quiet);
  const t0 = performance.now();
  const result = trainPrivateHead({
    train: data.train,
    test: data.test,
    input: data.input,
    classes: data.classes,
    name: `${data.dataset}-head`,
    hidden: o.hidden,
    activation: { kind: activation.kind, coefficients: activation.coefficients },
    privacy: dp
      ? {
        targetEpsilon: o.targetEpsilon!,
        delta: o.delta,
        conversion: o.conversion,
        accountant: o.accountant,
      }
      : null,
    epochs: o.epochs,
    batchSize: o.batchSize,
    clipNorm: o.clipNorm,
    learningRate: o.learningRate,
    sparsity: o.sparsity,
    exponentLevels: o.exponentLevels,
    random: seededRandom(o.seed),
    noiseRandom: dpNoiseRandom(o),
    onProgress: (done, total, phase) => {
      bar.total = total;
      bar.update(done, phase);
    },
  });
  bar.done();
  const seconds = (performance.now() - t0) / 1000;
  const card = buildModelCard(result, {
    modelPath: o.out,
    data,
    hidden: o.hidden,
    clipNorm: o.clipNorm,
    batchSize: o.batchSize,
    epochs: o.epochs,
    exponentLevels: o.exponentLevels,
    seed: o.seed,
    command: ["deno task train", ...Deno.args].join(" "),
  });
  const model = {
    ...result.model,
    ...("block" in data && data.block ? { preprocessing: data.block } : {}),
    metadata: cardMetadata(card),
  };
  await Deno.mkdir(dirname(o.out), { recursive: true });
  parseModel(model);
  const stem = o.out.replace(/\.json$/, "");
  await writeTextFilesAtomic({
    [o.out]: JSON.stringify(model) + "\n",
    [`${stem}.card.json`]: JSON.stringify(card, null, 2) + "\n",
    [`${stem}.card.md`]: modelCardMarkdown(card),
  });
  const a = card.test_accuracy;
  log(
    `${o.out}: ${
      card.privacy
        ? `(eps ${
          card.privacy.epsilon.toFixed(3)
        }, delta ${card.privacy.delta})-DP by ${card.privacy.accountant_id.toUpperCase()} (RDP ${
          card.privacy.epsilon_rdp.toFixed(3)
        }, PLD ${card.privacy.epsilon_pld.toFixed(3)}), sigma ${
          card.privacy.noise_multiplier.toFixed(3)
        }, noise ${card.privacy.noise_source}${card.private ? "" : " (NOT private)"}`
        : "NOT private"
    }, ${card.steps} steps, test accuracy float ${(a.float * 100).toFixed(1)}% / pruned ${
      (a.pruned * 100).toFixed(1)
    }% / quantized ${(a.quantized * 100).toFixed(1)}%, ${seconds.toFixed(1)} s`,
  );
  if (o.json) console.log(JSON.stringify(card));
  return 0;
}

try {
  await runCli(TRAIN_USAGE, main);
} catch (e) {
  if (e instanceof RangeError || e instanceof TypeError || (e as Error).name?.endsWith("Error")) {
    log(`error: ${(e as Error).message}`);
    Deno.exit(1);
  }
  throw e;
}
