/**
 * The report of `deno task train:mnist`: a Markdown table for people (stderr, and
 * `models/mnist/summary.md`) and a JSON document for programs (stdout, `summary.json`).
 *
 * @module
 */
import type { VariantSummary } from "./result.ts";

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
 * import { reportJson } from "./summary_report.ts";
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
