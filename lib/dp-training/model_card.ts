/**
 * The model card of a trained head: what it was trained on, under which privacy guarantee
 * (every phase composed, where its noise came from, what it does not cover), how it was
 * compressed, how accurate it is at each stage on the private test split, and what it costs
 * under HE. Written as JSON (also embedded in the model's metadata) and as Markdown for people.
 * No statistic of the private training split other than the DP-SGD output is published: no
 * clipped fractions, losses or data-dependent integer sizes.
 *
 * @module
 */
import type { HopCounts } from "../he-head/engine/hops.ts";
import { totalHops } from "../he-head/engine/hops.ts";
import { countHops } from "../he-head/engine/plain.ts";
import {
  bitLength,
  compileModel,
  DP_NOT_COVERED,
  type ModelMetadata,
  type Network,
  type NoiseSource,
  type PrivacyMetadata,
} from "../model/mod.ts";
import { evaluate } from "../he-head/engine/evaluate.ts";
import { IntervalBackend, magnitude } from "../he-head/engine/interval_backend.ts";
import { SECURE_GAUSSIAN_TERMS } from "./mechanisms/secure_gaussian.ts";
import type { PrivateFeatures } from "./private_features.ts";
import type { PrivateHeadResult } from "./train_private_head.ts";

/**
 * The DP claim of a private run, exactly as stored in the model's `metadata.privacy`: the
 * guarantee, the mechanism behind it, where its noise came from and what it does not cover.
 */
export interface CardPrivacy extends PrivacyMetadata {
  /** Total epsilon over all phases. */
  epsilon: number;
  /** Delta. */
  delta: number;
  /** How the guarantee was computed, for people. */
  accountant: string;
  /** The accountant of `epsilon`: `pld` or `rdp`. */
  accountant_id: "pld" | "rdp";
  /** The total by the RDP accountant (beside the PLD one, or equal to `epsilon`). */
  epsilon_rdp: number;
  /** The total by the PLD accountant (beside the RDP one, or equal to `epsilon`). */
  epsilon_pld: number;
  /** The PLD grid step (the discretisation of `epsilon_pld`). */
  pld_interval: number;
  /** RDP-to-(epsilon, delta) conversion. */
  conversion: string;
  /** The RDP epsilon under the classic conversion, for comparison with older reports. */
  epsilon_classic: number;
  /** RDP order attaining the DP-SGD phases' RDP epsilon. */
  rdp_order: number;
  /** `crypto` (secret noise: the guarantee holds) or `seeded` (replayable: NOT private). */
  noise_source: NoiseSource;
  /** Calibrated noise multiplier (noise std / clipping norm). */
  noise_multiplier: number;
  /** Per-example clipping norm C. */
  clipping_norm: number;
  /** Poisson sampling rate q. */
  sample_rate: number;
  /** DP-SGD steps over all phases. */
  steps: number;
  /** Every spend in order: its epsilon alone and the running total. */
  ledger: { label: string; epsilon: number; total_epsilon: number }[];
  /** What the guarantee does not cover. */
  not_covered: string[];
}

/**
 * The model card (JSON). Fractions are in [0, 1]. It publishes nothing computed from the private
 * training split besides the DP-SGD output (the weights and what follows from them); the
 * accuracies are computed on the private test split and are listed as not covered.
 */
export interface ModelCard {
  /** Path of the model file. */
  model: string;
  /** True when trained with DP-SGD and secret (`crypto`) noise: the guarantee holds. */
  private: boolean;
  /** The DP claim (null: trained without DP). */
  privacy: CardPrivacy | null;
  /** Per-example clipping norm C (training setting, also used without DP). */
  clipping_norm: number;
  /** Poisson sampling rate q. */
  sample_rate: number;
  /** Expected batch size q n. */
  expected_batch_size: number;
  /** Training steps over all phases. */
  steps: number;
  /** Passes over the private data, all phases together. */
  epochs: number;
  /** Where initialisation, sampling and noise came from, for people. */
  rng: string;
  /** Seed of the initialisation (and of the noise when `noise_source` is `seeded`). */
  seed: string;
  /** The private data set and how its examples became integer inputs. */
  dataset: {
    name: string;
    train: number;
    test: number;
    classes: number;
    features: string;
    input: { shape: number[]; min: number; max: number; scale_log2: number };
    /**
     * A tabular standardiser's per-column bounds and where they came from (`dp`: estimated by
     * a DP mechanism charged to the ledger; `public` or `user`: given, not from the data).
     */
    bounds?: PrivateFeatures["bounds"];
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
  /** Each phase: its epochs, steps, test accuracy and sparsity. */
  phases: {
    name: string;
    epochs: number;
    steps: number;
    test_accuracy: number;
    sparsity: number[];
  }[];
  /** HOPs of one evaluation per plaintext modulus, in both encodings (from `lib/he-head`). */
  hops: { poly: HopCounts; simd: HopCounts };
  /**
   * Bits of the largest |integer logit| any input in `[input.min, input.max]` can produce
   * (interval arithmetic on the released model: data-independent).
   */
  worst_case_logit_bits: number;
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
  /** The initialisation seed (also the noise seed for seeded noise). */
  seed: string;
  /** The command line that produced the model. */
  command: string;
}

const round = (x: number, d = 6) => Math.round(x * 10 ** d) / 10 ** d;

/** How the card describes the randomness of a run. */
function describeRng(source: NoiseSource | null, seed: string): string {
  const init = `initialisation: seedrandom(${JSON.stringify(seed)})`;
  if (source === "seeded") {
    return `sampling and noise: seedrandom(${
      JSON.stringify(`${seed}/dp-sgd`)
    }), reproducible and therefore NOT private (--seeded-noise); ${init}`;
  }
  if (source === "crypto") {
    return "sampling and noise: crypto.getRandomValues, each normal variate the sum of " +
      `${SECURE_GAUSSIAN_TERMS} Box-Muller variates divided by 2 (Holohan and Braghin 2021); ${init}`;
  }
  return `no DP noise; sampling: crypto.getRandomValues; ${init}`;
}

/**
 * The largest magnitude an integer logit can reach for any input in range (interval analysis of
 * the exact integer network; what the BFV plans' `outputBound(net, "simd")` computes).
 */
function largestLogit(net: Network): bigint {
  const inputs = Array.from({ length: net.inputSize }, () => ({
    lo: BigInt(net.inputMin),
    hi: BigInt(net.inputMax),
  }));
  let bound = 0n;
  for (const o of evaluate(net, new IntervalBackend(), inputs).outputs) {
    if (o.ct !== null && magnitude(o.ct) > bound) bound = magnitude(o.ct);
  }
  return bound;
}

/** The accountant of a private run's epsilon, for people, with the other figure beside it. */
function describeAccountant(r: PrivateHeadResult): string {
  const rdp = "RDP of the Poisson-subsampled Gaussian mechanism (Mironov, Talwar, Zhang 2019), " +
    `${r.conversion} conversion to (epsilon, delta)` +
    (r.conversion === "tight" ? " (Balle et al. 2020)" : " (Mironov 2017)");
  const pld = "PLD: privacy loss distributions of the Poisson-subsampled Gaussian mechanism, " +
    `pessimistic connect-the-dots discretisation on a grid of ${r.pldInterval}, composed by FFT ` +
    "(Koskela et al. 2020; Doroshenko et al. 2022), both neighbouring directions";
  const all = "composed over every release on the training data (all DP-SGD phases" +
    (r.ledger.length > r.phases.length ? " and the releases before them" : "") + ")";
  return r.accountant === "pld"
    ? `${pld}, ${all}; RDP gives ${r.epsilonRdp!.toFixed(4)} (${rdp})`
    : `${rdp}, ${all}; PLD gives ${r.epsilonPld!.toFixed(4)} (${pld})`;
}

/** The privacy block of a private run (null for a non-private one). */
function cardPrivacy(r: PrivateHeadResult, c: CardContext): CardPrivacy | null {
  if (!r.private) return null;
  return {
    epsilon: round(r.epsilon!),
    delta: r.delta!,
    accountant: describeAccountant(r),
    accountant_id: r.accountant!,
    epsilon_rdp: round(r.epsilonRdp!),
    epsilon_pld: round(r.epsilonPld!),
    pld_interval: r.pldInterval!,
    conversion: r.conversion!,
    epsilon_classic: round(r.epsilonClassic!),
    rdp_order: r.order!,
    noise_source: r.noiseSource!,
    noise_multiplier: round(r.noiseMultiplier),
    clipping_norm: c.clipNorm,
    sample_rate: round(r.sampleRate, 8),
    steps: r.steps,
    ledger: r.ledger.map((e) => ({
      label: e.label,
      epsilon: round(e.epsilon),
      total_epsilon: round(e.totalEpsilon),
    })),
    not_covered: [...DP_NOT_COVERED, ...(c.data.notCovered ?? [])],
  };
}

/**
 * Builds the card (HOP counts and integer sizes are measured on the exported model, without
 * data).
 */
export function buildModelCard(r: PrivateHeadResult, c: CardContext): ModelCard {
  const net = compileModel(r.model);
  const worstBits = bitLength(largestLogit(net));
  const weights = net.layers.reduce((s, l) => s + l.weights, 0);
  const nonzeros = net.layers.reduce((s, l) => s + (l.type === "dense" ? l.nonzeros : 0), 0);
  const act = r.model.layers.find((l) => l.type === "activation");
  const privacy = cardPrivacy(r, c);
  return {
    model: c.modelPath,
    private: privacy !== null && privacy.noise_source === "crypto",
    privacy,
    clipping_norm: c.clipNorm,
    sample_rate: round(r.sampleRate, 8),
    expected_batch_size: c.batchSize,
    steps: r.steps,
    epochs: c.epochs,
    rng: describeRng(r.noiseSource, c.seed),
    seed: c.seed,
    dataset: {
      name: c.data.dataset,
      train: c.data.train.count,
      test: c.data.test.count,
      classes: c.data.classes.length,
      features: c.data.preprocessing,
      input: { ...c.data.input, shape: [...c.data.input.shape] },
      ...(c.data.bounds ? { bounds: c.data.bounds } : {}),
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
      sparsity: p.sparsity.map((s) => round(s, 4)),
    })),
    hops: {
      poly: totalHops(countHops(net, { encoding: "poly" })),
      simd: totalHops(countHops(net, { encoding: "simd" })),
    },
    worst_case_logit_bits: worstBits,
    command: c.command,
  };
}

/** The part of the card stored in the model file's metadata (`privacy` is the card's block). */
export function cardMetadata(card: ModelCard): ModelMetadata {
  const p = card.privacy;
  return {
    description: p === null
      ? `Head trained WITHOUT differential privacy on ${card.dataset.name} (a baseline).`
      : p.noise_source === "crypto"
      ? `Head trained with DP-SGD on ${card.dataset.name}: (${p.epsilon}, ${p.delta})-DP ` +
        `over all phases (training, pruning and quantization fine-tuning), secret noise from ` +
        `crypto.getRandomValues.`
      : `Head trained with DP-SGD on ${card.dataset.name} with SEEDED, replayable noise: NOT ` +
        `private (the (${p.epsilon}, ${p.delta}) figure would hold only for secret noise).`,
    ...(card.extractor ? { extractor: card.extractor } : {}),
    ...(p === null ? {} : { privacy: p }),
    accuracy: {
      test_float: card.test_accuracy.float,
      test_pruned: card.test_accuracy.pruned,
      test_quantized: card.test_accuracy.quantized,
    },
    model_card: card,
  };
}
