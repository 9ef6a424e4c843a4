/**
 * The report of the reproduction: speed-ups of Faster CryptoNets over CryptoNets, the summary
 * table (stderr and `table.md`), `results.json` and the SVG charts (`hops_per_layer.svg`,
 * `latency.svg`), written to one folder.
 *
 * @module
 */
import { barChartSvg, formatBytes, formatTable, median } from "../../../lib/report/mod.ts";
import type { PackedRow } from "./packed_row.ts";
import { denseEquivalent, type PlanReport, type VariantReport } from "./variant_row.ts";

/** `results.json` (and the `--json` line): its keys, in this order. */
export interface ReproductionResult {
  /** One row per variant, in run order. */
  variants: VariantReport[];
  /** The packed CKKS row, when a Faster variant ran and has a packed plan. */
  packed: PackedRow | null;
  /** The packed row's evaluation keys (SEAL's seeded blobs), bytes (null without the row). */
  packed_key_bytes: number | null;
  /** The packed row's median seconds per image (null without the row). */
  packed_latency_s: number | null;
  /** CryptoNets latency over the fastest Faster variant's (null without both). */
  speedup_latency: number | null;
  /** The same for dense-equivalent HOPs. */
  speedup_hops: number | null;
  /** CryptoNets' SIMD batch time over the fastest Faster variant's latency. */
  speedup_latency_vs_simd_batch: number | null;
  /** Encrypted images per variant. */
  images: number;
  /** A `--quick` smoke run. */
  quick: boolean;
  /** Seconds of the whole run. */
  total_s: number;
}

/** How the run was made (the command line written into `table.md`). */
export interface RunInfo {
  /** `--latency-images`. */
  latencyImages: number;
  /** `--baseline-poly-max-s`. */
  baselinePolyMaxS: number;
  /** `--workers`. */
  workers: number;
}

/**
 * Builds the result from the rows: the speed-ups compare `cryptonets` with the Faster variant
 * of lowest latency.
 *
 * @example
 * ```ts
 * import { reproductionResult } from "./report.ts";
 * reproductionResult([], null, { images: 3, quick: true, totalS: 1 }).speedup_latency; // null
 * ```
 */
export function reproductionResult(
  variants: VariantReport[],
  packed: PackedRow | null,
  run: { images: number; quick: boolean; totalS: number },
): ReproductionResult {
  const baseline = variants.find((r) => r.name === "cryptonets");
  const best = fastest(variants);
  return {
    variants,
    packed,
    packed_key_bytes: packed?.key_bytes ?? null,
    packed_latency_s: packed?.latency_s ?? null,
    speedup_latency: baseline && best ? baseline.latency_s / best.latency_s : null,
    speedup_hops: baseline && best
      ? baseline.dense_equivalent_hops / best.dense_equivalent_hops
      : null,
    speedup_latency_vs_simd_batch: baseline && best
      ? median(baseline.simd.wall_ms) / 1000 / best.latency_s
      : null,
    images: run.images,
    quick: run.quick,
    total_s: run.totalS,
  };
}

/** The Faster variant with the lowest single-image latency. */
function fastest(variants: readonly VariantReport[]): VariantReport | undefined {
  return variants.filter((r) => r.name.startsWith("faster"))
    .sort((p, q) => p.latency_s - q.latency_s)[0];
}

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

const HEADER = [
  "variant",
  "float acc",
  "quantized acc (10k)",
  "encrypted acc",
  "ct*ct",
  "pt*ct 1-coef",
  "pt*ct dense",
  "add",
  "dense-equiv HOPs",
  "1-image latency",
  "images/s (simd)",
  "parameters (simd; poly)",
];

function variantRow(r: VariantReport): (string | number)[] {
  return [
    r.name,
    pct(r.float_accuracy),
    pct(r.test_accuracy),
    `${pct(r.encrypted_accuracy)} (${r.encrypted_mismatches} mismatches / ${r.encrypted_images})`,
    r.hops_total.ct_ct_mul,
    r.hops_total.plain_mul_single,
    r.hops_total.plain_mul_dense,
    r.hops_total.add,
    Math.round(r.dense_equivalent_hops),
    `${r.latency_s.toFixed(1)} s (${r.latency_kind}${
      r.poly ? `, ${r.poly_mismatches} mismatches / ${r.poly.wall_ms.length}` : ""
    })`,
    r.throughput_images_per_s.toFixed(2),
    `${r.simd.params}; ${r.poly?.params ?? "-"}`,
  ];
}

function packedTableRow(p: PackedRow, variants: readonly VariantReport[]): (string | number)[] {
  const base = variants.find((r) => r.name === p.base_variant)!;
  return [
    p.name,
    pct(base.float_accuracy),
    pct(base.test_accuracy),
    `${
      pct(p.encrypted_accuracy)
    } (${p.argmax_mismatches} arg-max differences / ${p.encrypted_images})`,
    p.hops.ct_ct_mul,
    0,
    p.hops.plain_mul_dense,
    p.hops.add,
    "-",
    `${p.latency_s.toFixed(2)} s (packed CKKS, measured)`,
    (1 / p.latency_s).toFixed(2),
    p.params,
  ];
}

/** The summary table: a header and one row per variant, then the packed row. */
function summaryRows(result: ReproductionResult): (string | number)[][] {
  const rows = result.variants.map(variantRow);
  if (result.packed) rows.push(packedTableRow(result.packed, result.variants));
  return rows;
}

/**
 * The summary for people on stderr: the table, the speed-ups and the paper's figure.
 *
 * @example
 * ```ts
 * import { logSummary, reproductionResult } from "./report.ts";
 * const result = reproductionResult([], null, { images: 3, quick: true, totalS: 1 });
 * logSummary(result, { latencyImages: 1, baselinePolyMaxS: 400, workers: 2 }, console.error);
 * ```
 */
export function logSummary(
  result: ReproductionResult,
  run: RunInfo,
  log: (line: string) => void,
): void {
  log("\n" + formatTable([HEADER, ...summaryRows(result)]));
  const best = fastest(result.variants);
  const baseline = result.variants.find((r) => r.name === "cryptonets");
  if (result.speedup_latency) {
    log(
      `Faster CryptoNets (${best!.name}) vs CryptoNets: ${
        result.speedup_latency.toFixed(1)
      }x lower latency, ${result.speedup_hops!.toFixed(1)}x fewer dense-equivalent HOPs (${
        baseline!.latency_kind
      } vs ${best!.latency_kind}); ${
        result.speedup_latency_vs_simd_batch!.toFixed(1)
      }x lower latency than a whole CryptoNets SIMD batch`,
    );
  }
  log(
    `Paper: 39.1 s per image on an i7-5930K (native SEAL); here ${
      best ? best.latency_s.toFixed(1) : "-"
    } s on this machine (WebAssembly, ${run.workers} workers for the plaintext moduli).`,
  );
}

function speedupParagraph(result: ReproductionResult): string {
  if (!result.speedup_latency) return "";
  const best = fastest(result.variants)!;
  const baseline = result.variants.find((r) => r.name === "cryptonets")!;
  return `Faster CryptoNets (${best.name}) over CryptoNets: ${
    result.speedup_latency.toFixed(1)
  }x lower single-image latency, ${
    result.speedup_hops!.toFixed(1)
  }x fewer dense-equivalent HOPs (poly encoding, HOPs weighted by measured per-operation costs, in units of one dense plaintext multiplication); ${
    result.speedup_latency_vs_simd_batch!.toFixed(1)
  }x lower latency than CryptoNets' own SIMD batch (${
    (median(baseline.simd.wall_ms) / 1000).toFixed(1)
  } s for ${result.images} images, which a single CryptoNets query also waits for).`;
}

function packedParagraph(packed: PackedRow | null): string {
  if (!packed) return "";
  return `Packed row: one CKKS ciphertext per image (${packed.params}), every layer a packed matrix-vector product and one square per activation for all units; ${packed.hops.rotate} rotations (${packed.galois_steps} Galois keys, ${
    formatBytes(packed.key_bytes)
  } of evaluation keys, ${formatBytes(packed.key_envelope_bytes)} as uploaded, generated in ${
    packed.keygen_s.toFixed(1)
  } s), query ${formatBytes(packed.query_bytes)}, response ${
    formatBytes(packed.response_bytes)
  }; approximate: max |logit error| ${
    packed.max_abs_error.toExponential(2)
  }, ${packed.argmax_mismatches} arg-max differences from the integer reference on ${packed.encrypted_images} images. LoLa: 2.2 s on 8 vCPUs.`;
}

function hopsSection(variants: readonly VariantReport[]): string[] {
  return variants.flatMap((r) => [
    `### ${r.name}`,
    "",
    "| layer | ct*ct | relin | pt*ct 1-coef | pt*ct dense | add | add pt |",
    "|---|---|---|---|---|---|---|",
    ...r.hops.map((l) =>
      `| ${l.name} (${l.type}) | ${l.hops.ct_ct_mul} | ${l.hops.relin} | ${l.hops.plain_mul_single} | ${l.hops.plain_mul_dense} | ${l.hops.add} | ${l.hops.add_plain} |`
    ),
    "",
  ]);
}

function plansSection(variants: readonly VariantReport[]): string[] {
  return variants.flatMap((r) =>
    [r.simd, r.poly].filter((p): p is PlanReport => p !== null).map((p) =>
      `| ${r.name} | ${p.params} | ${p.plain_moduli.length} | ${
        (median(p.wall_ms) / 1000).toFixed(1)
      } | ${
        p.eval_ms_per_modulus.map((m) => (m / 1000).toFixed(1)).join(", ")
      } | ${p.noise_budget_bits} (${
        p.estimated_noise_budget_bits.toFixed(1)
      }) | ${p.input_ciphertexts} | ${formatBytes(p.input_bytes)} | ${
        formatBytes(p.output_bytes)
      } |`
    )
  );
}

/**
 * `table.md`: the command, the summary table, the speed-ups, the packed row, HOPs per layer
 * and every plan's measurements.
 */
function markdownReport(result: ReproductionResult, run: RunInfo): string {
  return [
    "# MNIST, CryptoNets architecture: four variants measured in one run",
    "",
    `Command: \`deno task reproduce:mnist --images ${result.images} --latency-images ${run.latencyImages}${
      result.quick ? " --quick" : ""
    }\` (${(result.total_s / 60).toFixed(1)} min, ${run.workers} workers).`,
    "",
    "| " + HEADER.join(" | ") + " |",
    "|" + HEADER.map(() => "---").join("|") + "|",
    ...summaryRows(result).map((r) => "| " + r.join(" | ") + " |"),
    "",
    speedupParagraph(result),
    "",
    packedParagraph(result.packed),
    "",
    `Single-image latency uses the paper's poly encoding (one query, one ciphertext per value, power-of-two weights as monomial plaintexts, dense weights as multi-coefficient plaintexts), the moduli of a plan on parallel workers; a baseline whose poly run the cost model expects to exceed ${run.baselinePolyMaxS} s shows its own SIMD batch instead (one ciphertext per pixel, all images in slots: a single image costs a whole batch), marked as such.`,
    "",
    "## HOPs per layer (poly encoding, per plaintext modulus)",
    "",
    ...hopsSection(result.variants),
    "## Plans",
    "",
    "| variant | plan | moduli | wall s | eval s per modulus | noise left (est.) bits | input ciphertexts | input | output |",
    "|---|---|---|---|---|---|---|---|---|",
    ...plansSection(result.variants),
    "",
  ].join("\n");
}

const COLORS = ["#888888", "#b07aa1", "#4e79a7", "#59a14f"];

/** `hops_per_layer.svg`: dense-equivalent HOPs per layer and variant (log scale). */
function hopsChart(variants: readonly VariantReport[]): string {
  const layerNames = variants[0].hops.map((l) => l.name);
  return barChartSvg({
    title: "Dense-equivalent HOPs per layer (poly encoding, per modulus)",
    yLabel: "dense plaintext multiplications (log)",
    groups: layerNames,
    logY: true,
    series: variants.map((r, i) => ({
      label: r.name,
      color: COLORS[i % COLORS.length],
      values: layerNames.map((n) => {
        const l = r.hops.find((h) => h.name === n);
        return l ? denseEquivalent(l.hops, r.poly?.ring_degree ?? r.simd.ring_degree) : 0;
      }),
    })),
  });
}

/** `latency.svg`: measured single-image latency and the poly estimate per variant. */
function latencyChart(variants: readonly VariantReport[]): string {
  return barChartSvg({
    title: "Single-image latency (s): measured (poly, or own SIMD batch) and poly estimate",
    yLabel: "seconds (log)",
    groups: variants.map((r) => r.name),
    logY: true,
    series: [
      { label: "measured latency", color: "#4e79a7", values: variants.map((r) => r.latency_s) },
      {
        label: "poly, cost-model estimate",
        color: "#f28e2b",
        values: variants.map((r) => r.poly_latency_estimate_s),
      },
    ],
  });
}

/**
 * The result as JSON (bigints as decimal strings); `indent` 2 for `results.json`, none for the
 * `--json` line.
 */
export function resultJson(result: ReproductionResult, indent?: number): string {
  return JSON.stringify(result, (_, v) => (typeof v === "bigint" ? v.toString() : v), indent);
}

/**
 * Writes `table.md`, `results.json`, `hops_per_layer.svg` and `latency.svg` to `out` (created
 * if missing).
 *
 * @example
 * ```ts ignore
 * import { writeReport } from "./report.ts";
 * await writeReport("results/mnist", result, { latencyImages: 3, baselinePolyMaxS: 400, workers: 2 });
 * ```
 */
export async function writeReport(
  out: string,
  result: ReproductionResult,
  run: RunInfo,
): Promise<void> {
  await Deno.mkdir(out, { recursive: true });
  await Deno.writeTextFile(`${out}/table.md`, markdownReport(result, run));
  await Deno.writeTextFile(`${out}/results.json`, resultJson(result, 2) + "\n");
  await Deno.writeTextFile(`${out}/hops_per_layer.svg`, hopsChart(result.variants));
  await Deno.writeTextFile(`${out}/latency.svg`, latencyChart(result.variants));
}
