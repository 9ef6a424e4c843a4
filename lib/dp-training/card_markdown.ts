/**
 * The model card as Markdown, for people: the headline guarantee (or why there is none), the
 * facts table, accuracy per stage and phase, the privacy ledger and what it does not cover, and
 * the HE cost.
 *
 * @module
 */
import type { ModelCard } from "./model_card.ts";

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/** The headline of the card: the guarantee, or why there is none. */
function privacyHeadline(card: ModelCard): string {
  const p = card.privacy;
  if (p === null) return "**NOT differentially private** (non-private baseline).";
  const claim = `(epsilon = ${p.epsilon}, delta = ${p.delta}) for the whole training (every ` +
    `phase below composed), ${p.accountant}. Classic conversion: epsilon ${p.epsilon_classic}.`;
  return p.noise_source === "crypto"
    ? `**Differential privacy:** ${claim} Noise source: \`crypto\` (secret).`
    : `**NOT private: seeded noise.** DP-SGD ran with noise from a seeded generator ` +
      `(\`noise_source: "seeded"\`, \`--seeded-noise\`), which anyone who knows the seed can ` +
      `replay; ${claim.replace(/^\(/, "the claim (")} would hold only for secret noise. The ` +
      `server refuses this model unless FCN_ALLOW_SEEDED_NOISE=1.`;
}

/** The facts table under the headline. */
function factsTable(card: ModelCard): string[] {
  const p = card.privacy;
  return [
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
    `| noise multiplier / clipping norm | ${p?.noise_multiplier ?? 0} / ${card.clipping_norm} |`,
    `| sampling | Poisson, rate ${card.sample_rate} (expected batch ${card.expected_batch_size}) |`,
    `| steps / epochs | ${card.steps} / ${card.epochs} |`,
    `| noise source | ${p?.noise_source ?? "none (no DP)"} |`,
    `| randomness | ${card.rng} |`,
    `| sparsity per layer | ${
      card.compression.sparsity.map(pct).join(", ")
    } (${card.compression.nonzero_weights} of ${card.compression.weights} weights nonzero) |`,
    `| weights | signed powers of two, ${card.compression.exponent_levels} magnitudes per layer |`,
    `| largest integer logit, any input in range | ${card.worst_case_logit_bits} bits |`,
  ];
}

/** Test accuracy per stage, then per phase. */
function accuracySections(card: ModelCard): string[] {
  return [
    "## Test accuracy (private test split, not covered by the guarantee)",
    "",
    "| float | pruned | quantized (exact integer inference = encrypted result) |",
    "|---|---|---|",
    `| ${pct(card.test_accuracy.float)} | ${pct(card.test_accuracy.pruned)} | ${
      pct(card.test_accuracy.quantized)
    } |`,
    "",
    "## Phases",
    "",
    "| phase | epochs | steps | test accuracy | sparsity |",
    "|---|---|---|---|---|",
    ...card.phases.map((ph) =>
      `| ${ph.name} | ${ph.epochs} | ${ph.steps} | ${pct(ph.test_accuracy)} | ${
        ph.sparsity.map(pct).join(", ")
      } |`
    ),
    "",
  ];
}

/** The privacy ledger and what the guarantee does not cover (nothing for a non-private run). */
function privacySections(card: ModelCard): string[] {
  const p = card.privacy;
  if (!p) return [];
  return [
    "## Privacy ledger",
    "",
    "| spend | epsilon alone | total epsilon |",
    "|---|---|---|",
    ...p.ledger.map((e) => `| ${e.label} | ${e.epsilon} | ${e.total_epsilon} |`),
    "",
    "## Not covered by the guarantee",
    "",
    ...p.not_covered.map((n) => `- ${n}`),
    "",
  ];
}

/** HOP counts of one evaluation per encoding. */
function heCostSection(card: ModelCard): string[] {
  return [
    "## HE cost (one evaluation, per plaintext modulus)",
    "",
    "| encoding | ct*ct | relin | pt*ct 1-coef | pt*ct dense | add | rot |",
    "|---|---|---|---|---|---|---|",
    ...(["poly", "simd"] as const).map((e) => {
      const h = card.hops[e];
      return `| ${e} | ${h.ct_ct_mul} | ${h.relin} | ${h.plain_mul_single} | ${h.plain_mul_dense} | ${h.add} | ${h.rotate} |`;
    }),
    "",
  ];
}

/**
 * The card as Markdown.
 *
 * @example
 * ```ts
 * import { modelCardMarkdown } from "./card_markdown.ts";
 * import type { ModelCard } from "./model_card.ts";
 * const card = JSON.parse(await Deno.readTextFile("models/head/uci_digits.card.json")) as ModelCard;
 * console.log(modelCardMarkdown(card));
 * ```
 */
export function modelCardMarkdown(card: ModelCard): string {
  return [
    `# Model card: ${card.model}`,
    "",
    privacyHeadline(card),
    "",
    ...factsTable(card),
    "",
    ...accuracySections(card),
    ...privacySections(card),
    ...heCostSection(card),
    `Command: \`${card.command}\``,
    "",
  ].join("\n");
}
