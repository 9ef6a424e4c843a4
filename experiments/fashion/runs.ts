/**
 * The Fashion-MNIST runs: a non-private head and DP heads at several epsilons (median of
 * repeated runs, secret noise from `crypto.getRandomValues`), each trained, pruned and quantized
 * to powers of two by `trainPrivateHead` and measured on the private test split as the exported
 * integer head.
 *
 * @module
 */
import { quantizedActivation, seededRandom, trainPrivateHead } from "../../lib/dp-training/mod.ts";
import type { QuantizedModel } from "../../lib/model/mod.ts";
import { median } from "../../lib/report/mod.ts";
import type { FashionFeatures } from "./prepare.ts";

/** Head hyperparameters of every run. */
export interface HeadSettings {
  /** Hidden widths (`[]`: linear head). */
  hidden: number[];
  /** Passes over the private data, all phases. */
  epochs: number;
  /** Expected batch size. */
  batchSize: number;
  /** Clipping norm. */
  clipNorm: number;
  /** Adam learning rate. */
  learningRate: number;
  /** Target sparsity. */
  sparsity: number;
  /** Delta of every DP run. */
  delta: number;
}

/** One epsilon's runs. */
export interface EpsilonRow {
  /** Target epsilon; null for the non-private head. */
  epsilon: number | null;
  /** Exported integer head's test accuracy of each run. */
  accuracies: number[];
  /** Their median. */
  median: number;
  /** Float head's accuracy (median over runs). */
  floatMedian: number;
  /** Noise multiplier of the runs (0 without DP). */
  noiseMultiplier: number;
  /** Epsilon by the chosen accountant and by RDP (first run). */
  spent: { epsilon: number | null; rdp: number | null; accountant: string | null };
  /** Seconds of training, median. */
  seconds: number;
}

/** Trains `runs` heads per epsilon (`null`: non-private, one run) and returns the rows. */
export function runEpsilons(
  f: FashionFeatures,
  epsilons: (number | null)[],
  runs: number,
  s: HeadSettings,
  onRun?: (epsilon: number | null, run: number, model: QuantizedModel, acc: number) => void,
): EpsilonRow[] {
  const activation = quantizedActivation("swish", 2);
  return epsilons.map((eps) => {
    const accs: number[] = [], floats: number[] = [], secs: number[] = [];
    let sigma = 0, spent: EpsilonRow["spent"] = { epsilon: null, rdp: null, accountant: null };
    for (let r = 0; r < (eps === null ? 1 : runs); r++) {
      const t0 = performance.now();
      const result = trainPrivateHead({
        train: f.train,
        test: f.test,
        input: f.input,
        classes: f.classes,
        name: "fashion-mnist-scatternet-head",
        hidden: s.hidden,
        activation: { kind: activation.kind, coefficients: activation.coefficients },
        privacy: eps === null ? null : { targetEpsilon: eps, delta: s.delta },
        epochs: s.epochs,
        batchSize: s.batchSize,
        clipNorm: s.clipNorm,
        learningRate: s.learningRate,
        sparsity: s.sparsity,
        random: seededRandom(`fashion/init/${r}`),
      });
      secs.push((performance.now() - t0) / 1000);
      accs.push(result.testAccuracy.quantized);
      floats.push(result.testAccuracy.float);
      sigma = result.noiseMultiplier;
      if (r === 0) {
        spent = {
          epsilon: result.epsilon,
          rdp: (result as { epsilonRdp?: number | null }).epsilonRdp ?? null,
          accountant: (result as { accountant?: string | null }).accountant ?? null,
        };
      }
      onRun?.(eps, r, { ...result.model, preprocessing: f.block }, result.testAccuracy.quantized);
    }
    return {
      epsilon: eps,
      accuracies: accs,
      median: median(accs),
      floatMedian: median(floats),
      noiseMultiplier: sigma,
      spent,
      seconds: median(secs),
    };
  });
}
