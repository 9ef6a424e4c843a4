/**
 * The model card of a trained head: what it was trained on, under which privacy guarantee
 * (every phase composed), how it was compressed, how accurate it is at each stage on the private
 * test split, and what it costs under HE. Written as JSON (also embedded in the model's
 * metadata) and as Markdown for people.
 *
 * @module
 */
import type { HopCounts } from "../he-head/engine/hops.ts";
import { totalHops } from "../he-head/engine/hops.ts";
import { countHops, evaluatePlain } from "../he-head/engine/plain.ts";
import type { ModelMetadata } from "../he-head/model/format.ts";
import { compileModel } from "../he-head/model/network.ts";
import { bitLength } from "../he-head/model/dyadic.ts";
import type { PrivateFeatures } from "./private_features.ts";
import type { PrivateHeadResult } from "./train_private_head.ts";

/** The model card (JSON). Fractions are in [0, 1]; epsilon is null for a non-private model. */
export interface ModelCard {
  /** Path of the model file. */
  model: string;
  /** True when trained with DP-SGD. */
  private: boolean;
  /** Total epsilon over all phases (null: not private). */
  epsilon: number | null;
  /** Delta (null: not private). */
  delta: number | null;
  /** Calibrated noise multiplier (0: not private). */
  noise_multiplier: number;
  /** Per-example clipping norm C. */
  clipping_norm: number;
  /** Poisson sampling rate q. */
  sample_rate: number;
  /** Expected batch size q n. */
  expected_batch_size: number;
  /** DP-SGD steps over all phases. */
  steps: number;
  /** Passes over the private data, all phases together. */
  epochs: number;
  /** How the guarantee was computed. */
  accountant: string;
  /** RDP-to-(epsilon, delta) conversion (null: not private). */
  conversion: string | null;
  /** The epsilon under the classic conversion, for comparison with older reports. */
  epsilon_classic: number | null;
  /** RDP order attaining the epsilon. */
  rdp_order: number | null;
  /** Every spend in order: its epsilon alone and the running total. */
  privacy_ledger: { label: string; epsilon: number; total_epsilon: number }[];
  /** Where sampling and noise came from. */
  rng: string;
  /** The seed. */
  seed: string;
  /** The private data set and how its examples became integer inputs. */
  dataset: {
    name: string;
    train: number;
    test: number;
    classes: number;
    features: string;
    input: { shape: number[]; min: number; max: number; scale_log2: number };
  };
  /** The public feature extractor (or standardiser) the head expects. */
  extractor?: { id: string; name: string; feature_layer: string };
  /** Hidden widths and the activation polynomial. */
  architecture: { hidden: number[]; activation: string; activation_coefficients: number[] };
  /** Sparsity per layer, exponent levels and weight counts. */
  compression: {
    sparsity: number[];
    exponent_levels: number;
    nonzero_weights: number;
    weights: number;
  };
  /** Test accuracy after float training, after pruning, and of the exported integer model. */
  test_accuracy: { float: number; pruned: number; quantized: number };
  /** Each phase: its epochs, steps, test accuracy, clipped fraction and sparsity. */
  phases: {
    name: string;
    epochs: number;
    steps: number;
    test_accuracy: number;
    clipped_fraction: number;
    sparsity: number[];
  }[];
  /** HOPs of one evaluation per plaintext modulus, in both encodings (from `lib/he-head`). */
  hops: { poly: HopCounts; simd: HopCounts };
  /** Bits of the largest |integer logit| over the test split (plaintext modulus sizing). */
  max_logit_bits: number;
  /** Wall-clock seconds of training. */
  training_seconds: number;
  /** The command line that produced the model. */
  command: string;
}

/** Inputs of {@linkcode buildModelCard} besides the training result. */
export interface CardContext {
  /** Path the model is written to. */
  modelPath: string;
  /** The private features it was trained on. */
  data: PrivateFeatures;
  /** Hidden widths. */
  hidden: number[];
  /** Per-example clipping norm. */
  clipNorm: number;
  /** Expected batch size. */
  batchSize: number;
  /** Passes over the private data, all phases together. */
  epochs: number;
  /** Power-of-two magnitudes per layer. */
  exponentLevels: number;
  /** Where sampling and noise came from. */
  rng: string;
  /** The seed. */
  seed: string;
  /** Wall-clock seconds of training. */
  trainingSeconds: number;
  /** The command line that produced the model. */
  command: string;
}

const round = (x: number, d = 6) => Math.round(x * 10 ** d) / 10 ** d;

/** Builds the card (HOP counts and integer sizes are measured on the exported model). */
export function buildModelCard(r: PrivateHeadResult, c: CardContext): ModelCard {
  const net = compileModel(r.model);
  const logits = evaluatePlain(net, c.data.test.x, c.data.test.count);
  let maxBits = 0;
  for (const row of logits) for (const v of row) maxBits = Math.max(maxBits, bitLength(v));
  const weights = net.layers.reduce((s, l) => s + l.weights, 0);
  const nonzeros = net.layers.reduce((s, l) => s + (l.type === "dense" ? l.nonzeros : 0), 0);
  const act = r.model.layers.find((l) => l.type === "activation");
  return {
    model: c.modelPath,
    private: r.private,
    epsilon: r.epsilon === null ? null : round(r.epsilon),
    delta: r.delta,
    noise_multiplier: round(r.noiseMultiplier),
    clipping_norm: c.clipNorm,
    sample_rate: round(r.sampleRate, 8),
    expected_batch_size: c.batchSize,
    steps: r.steps,
    epochs: c.epochs,
    accountant: r.private
      ? "RDP of the Poisson-subsampled Gaussian mechanism (Mironov, Talwar, Zhang 2019), " +
        `composed over all phases, ${r.conversion} conversion to (epsilon, delta)` +
        (r.conversion === "tight" ? " (Balle et al. 2020)" : " (Mironov 2017)")
      : "none: NOT differentially private",
    conversion: r.conversion,
    epsilon_classic: r.epsilonClassic === null ? null : round(r.epsilonClassic),
    rdp_order: r.order,
    privacy_ledger: r.ledger.map((e) => ({
      label: e.label,
      epsilon: round(e.epsilon),
      total_epsilon: round(e.totalEpsilon),
    })),
    rng: c.rng,
    seed: c.seed,
    dataset: {
      name: c.data.dataset,
      train: c.data.train.count,
      test: c.data.test.count,
      classes: c.data.classes.length,
      features: c.data.preprocessing,
      input: { ...c.data.input, shape: [...c.data.input.shape] },
    },
    ...(c.data.extractor ? { extractor: c.data.extractor } : {}),
    architecture: {
      hidden: c.hidden,
      activation: act?.type === "activation" ? act.kind : "none (linear head)",
      activation_coefficients: r.head.activation,
    },
    compression: {
      sparsity: r.sparsity.map((s) => round(s, 4)),
      exponent_levels: c.exponentLevels,
      nonzero_weights: nonzeros,
      weights,
    },
    test_accuracy: {
      float: round(r.testAccuracy.float, 4),
      pruned: round(r.testAccuracy.pruned, 4),
      quantized: round(r.testAccuracy.quantized, 4),
    },
    phases: r.phases.map((p) => ({
      name: p.name,
      epochs: round(p.epochs, 3),
      steps: p.steps,
      test_accuracy: round(p.testAccuracy, 4),
      clipped_fraction: round(p.clippedFraction, 4),
      sparsity: p.sparsity.map((s) => round(s, 4)),
    })),
    hops: {
      poly: totalHops(countHops(net, { encoding: "poly" })),
      simd: totalHops(countHops(net, { encoding: "simd" })),
    },
    max_logit_bits: maxBits,
    training_seconds: round(c.trainingSeconds, 2),
    command: c.command,
  };
}

/** The part of the card stored in the model file's metadata. */
export function cardMetadata(card: ModelCard): ModelMetadata {
  return {
    description: card.private
      ? `Head trained with DP-SGD on ${card.dataset.name}: (${card.epsilon}, ${card.delta})-DP ` +
        `over all phases (training, pruning and quantization fine-tuning).`
      : `Head trained WITHOUT differential privacy on ${card.dataset.name} (a baseline).`,
    ...(card.extractor ? { extractor: card.extractor } : {}),
    ...(card.private
      ? {
        privacy: {
          epsilon: card.epsilon!,
          delta: card.delta!,
          accountant: card.accountant,
          noise_multiplier: card.noise_multiplier,
          clipping_norm: card.clipping_norm,
          sample_rate: card.sample_rate,
          steps: card.steps,
        },
      }
      : {}),
    accuracy: {
      test_float: card.test_accuracy.float,
      test_pruned: card.test_accuracy.pruned,
      test_quantized: card.test_accuracy.quantized,
    },
    model_card: card,
  };
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/** The card as Markdown. */
export function modelCardMarkdown(card: ModelCard): string {
  const lines = [
    `# Model card: ${card.model}`,
    "",
    card.private
      ? `**Differential privacy:** (epsilon = ${card.epsilon}, delta = ${card.delta}) for the whole ` +
        `training (every phase below composed), ${card.accountant}. Classic conversion: epsilon ` +
        `${card.epsilon_classic}.`
      : "**NOT differentially private** (non-private baseline).",
    "",
    "| | |",
    "|---|---|",
    `| data set | ${card.dataset.name}: ${card.dataset.train} training / ${card.dataset.test} test examples, ${card.dataset.classes} classes |`,
    `| inputs | ${card.dataset.features} |`,
    `| architecture | ${card.dataset.input.shape} -> ${
      [
        ...card.architecture.hidden.map((h) => `${h} (${card.architecture.activation})`),
        card.dataset.classes,
      ]
        .join(" -> ")
    } |`,
    `| activation | ${card.architecture.activation}: ${
      card.architecture.activation_coefficients.map((c, i) => `${c} x^${i}`).join(" + ")
    } |`,
    `| noise multiplier / clipping norm | ${card.noise_multiplier} / ${card.clipping_norm} |`,
    `| sampling | Poisson, rate ${card.sample_rate} (expected batch ${card.expected_batch_size}) |`,
    `| steps / epochs | ${card.steps} / ${card.epochs} |`,
    `| randomness | ${card.rng} |`,
    `| sparsity per layer | ${
      card.compression.sparsity.map(pct).join(", ")
    } (${card.compression.nonzero_weights} of ${card.compression.weights} weights nonzero) |`,
    `| weights | signed powers of two, ${card.compression.exponent_levels} magnitudes per layer |`,
    `| largest integer logit on the test split | ${card.max_logit_bits} bits |`,
    "",
    "## Test accuracy (private test split)",
    "",
    "| float | pruned | quantized (exact integer inference = encrypted result) |",
    "|---|---|---|",
    `| ${pct(card.test_accuracy.float)} | ${pct(card.test_accuracy.pruned)} | ${
      pct(card.test_accuracy.quantized)
    } |`,
    "",
    "## Phases",
    "",
    "| phase | epochs | steps | test accuracy | clipped | sparsity |",
    "|---|---|---|---|---|---|",
    ...card.phases.map((p) =>
      `| ${p.name} | ${p.epochs} | ${p.steps} | ${pct(p.test_accuracy)} | ${
        pct(p.clipped_fraction)
      } | ${p.sparsity.map(pct).join(", ")} |`
    ),
    "",
    ...(card.private
      ? [
        "## Privacy ledger",
        "",
        "| spend | epsilon alone | total epsilon |",
        "|---|---|---|",
        ...card.privacy_ledger.map((e) => `| ${e.label} | ${e.epsilon} | ${e.total_epsilon} |`),
        "",
      ]
      : []),
    "## HE cost (one evaluation, per plaintext modulus)",
    "",
    "| encoding | ct*ct | relin | pt*ct 1-coef | pt*ct dense | add | rot |",
    "|---|---|---|---|---|---|---|",
    ...(["poly", "simd"] as const).map((e) => {
      const h = card.hops[e];
      return `| ${e} | ${h.ct_ct_mul} | ${h.relin} | ${h.plain_mul_single} | ${h.plain_mul_dense} | ${h.add} | ${h.rotate} |`;
    }),
    "",
    `Command: \`${card.command}\``,
    "",
  ];
  return lines.join("\n");
}
