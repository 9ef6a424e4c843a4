/**
 * Small keys for the packed row (issue 13, section 3): the `ckks_network` plan measured twice
 * on the same images in one run, before (one Galois key per rotation amount, `rotationKeys:
 * "direct"`) and after (the fewest rotations within the 24 MB key budget), the two evaluating
 * image by image in alternating order so that load on the machine hits both alike. Writes
 * `packed_keys.md`, `packed_keys.json` and `packed_keys.svg`.
 *
 * @module
 */
import { compileModel, type QuantizedModel } from "../../../lib/model/mod.ts";
import { barChartSvg, formatBytes, formatTable, ProgressBar } from "../../../lib/report/mod.ts";
import { type PackedRow, PackedSession } from "./packed_row.ts";
import type { ReproduceSetup } from "./variant_row.ts";

/** The evaluation-key budget of the packed row (bytes). */
const PACKED_KEY_BUDGET_BYTES = 24_000_000;
/** The latency the smaller keys may cost: at most this times the latency before. */
const PACKED_LATENCY_BUDGET = 1.25;

/** Before and after, measured in one run (JSON keys of `packed_keys.json`). */
export interface PackedKeysResult {
  /** The variant whose model is evaluated. */
  base_variant: string;
  /** Images each plan evaluated (the same images). */
  images: number;
  /** One Galois key per rotation amount. */
  before: PackedRow;
  /** Rotations composed from the keys that fit the budget. */
  after: PackedRow;
  /** `before.key_bytes / after.key_bytes`. */
  key_ratio: number;
  /** `after.latency_s / before.latency_s` (target <= 1.25). */
  latency_ratio: number;
  /** The key budget (bytes). */
  key_budget_bytes: number;
  /** Whether `after.key_bytes` is within the budget. */
  keys_met: boolean;
  /** Whether `latency_ratio` is within 1.25. */
  latency_met: boolean;
  /** The machine's 1-minute load average at the start and at the end of the images. */
  load_average: [number, number];
  /** Logical cores of the machine. */
  cores: number;
}

/**
 * Measures the packed plan before and after on `setup.images` test images, or returns null when
 * the network has no packed plan.
 *
 * @example
 * ```ts ignore
 * const r = await measurePackedKeys(model, "faster-relu-aq", setup);
 * console.log(r?.after.key_bytes, r?.latency_ratio);
 * ```
 */
export async function measurePackedKeys(
  model: QuantizedModel,
  baseVariant: string,
  setup: ReproduceSetup,
): Promise<PackedKeysResult | null> {
  const net = compileModel(model);
  const { images, log } = setup;
  log(`\n== ${baseVariant} (packed, CKKS): one key per rotation vs the key budget`);
  using before = await PackedSession.open(net, setup, { rotationKeys: "direct" });
  using after = await PackedSession.open(net, setup);
  if (!before || !after) {
    log("no packed plan for this network");
    return null;
  }
  const loadStart = Deno.loadavg()[0];
  const bar = new ProgressBar(images, "packed images, before and after");
  for (let q = 0; q < images; q++) {
    const order = q % 2 === 0 ? [before, after] : [after, before];
    for (const s of order) await s.image(q);
    bar.update(q + 1);
  }
  bar.done();
  const b = before.row(baseVariant), a = after.row(baseVariant);
  const latencyRatio = a.latency_s / b.latency_s;
  return {
    base_variant: baseVariant,
    images,
    before: b,
    after: a,
    key_ratio: b.key_bytes / a.key_bytes,
    latency_ratio: latencyRatio,
    key_budget_bytes: PACKED_KEY_BUDGET_BYTES,
    keys_met: a.key_bytes <= PACKED_KEY_BUDGET_BYTES,
    latency_met: latencyRatio <= PACKED_LATENCY_BUDGET,
    load_average: [loadStart, Deno.loadavg()[0]],
    cores: navigator.hardwareConcurrency,
  };
}

/** The before / after table (rows of strings). */
function packedKeysTable(r: PackedKeysResult): string[][] {
  const line = (label: string, p: PackedRow) => [
    label,
    String(p.galois_steps),
    formatBytes(p.key_bytes),
    formatBytes(p.key_envelope_bytes),
    String(p.hops.rotate),
    `${p.latency_s.toFixed(3)} s`,
    p.max_abs_error.toExponential(2),
    `${p.argmax_mismatches} / ${p.encrypted_images}`,
    `${(100 * p.encrypted_accuracy).toFixed(2)}%`,
  ];
  return [
    [
      "keys",
      "Galois steps",
      "evaluation keys (SEAL, seeded)",
      "keys envelope (deflated)",
      "rotations / image",
      "latency / image (median)",
      "max abs logit error",
      "arg-max differences",
      "accuracy",
    ],
    line("before: one per rotation amount", r.before),
    line("after: within 24 MB", r.after),
  ];
}

function markdown(r: PackedKeysResult, command: string): string {
  const rows = packedKeysTable(r);
  const md = [rows[0], rows[0].map(() => "---"), ...rows.slice(1)]
    .map((c) => `| ${c.join(" | ")} |`).join("\n");
  return `# MNIST packed row: evaluation keys before and after

Command: \`${command}\` (${r.base_variant}, ${r.images} test images, both plans on the same images in one run, alternating).

${md}

Keys: ${r.key_ratio.toFixed(1)}x smaller (${formatBytes(r.after.key_bytes)} <= ${
    formatBytes(r.key_budget_bytes)
  }: ${r.keys_met ? "met" : "missed"}). Latency: ${
    r.latency_ratio.toFixed(3)
  }x of before (target <= ${PACKED_LATENCY_BUDGET}: ${
    r.latency_met ? "met" : "missed"
  }). Absolute times depend on the machine's load (1-minute load average ${
    r.load_average.map((l) => l.toFixed(1)).join(" -> ")
  } on ${r.cores} cores during the images); the ratio is measured in the same run, the two plans alternating image by image.

After: the baby steps are a chain of rotations by 1, the giant steps Horner chains by the baby-step size (and by its negative on period-wide products), the folds rotations by powers of two, every amount composed from the ${r.after.galois_steps} keys that fit the budget beside the relinearisation key; the baby-step sizes and the keys are searched together for the fewest rotations weighted by their level's cost (\`lib/he-head/plans/ckks_network/rotation_schedule.ts\`). Keys are SEAL's seeded serialization (the second polynomial of each key is a seed), ${
    formatBytes(r.after.key_bytes / (r.after.galois_steps + 1))
  } per key at this modulus (${r.after.params}).
`;
}

/** Writes `packed_keys.md`, `packed_keys.json` and `packed_keys.svg` to `out`. */
export async function writePackedKeys(
  out: string,
  r: PackedKeysResult,
  command: string,
): Promise<void> {
  await Deno.mkdir(out, { recursive: true });
  await Deno.writeTextFile(`${out}/packed_keys.md`, markdown(r, command));
  await Deno.writeTextFile(`${out}/packed_keys.json`, JSON.stringify(r, null, 2) + "\n");
  await Deno.writeTextFile(
    `${out}/packed_keys.svg`,
    barChartSvg({
      title: `MNIST packed row (${r.base_variant}): before and after, same run`,
      yLabel: "relative to before",
      groups: ["evaluation keys", "latency / image", "rotations / image"],
      series: [
        { label: "before", values: [1, 1, 1], color: "#999999" },
        {
          label: "after",
          values: [
            r.after.key_bytes / r.before.key_bytes,
            r.latency_ratio,
            r.after.hops.rotate / r.before.hops.rotate,
          ],
          color: "#2b7bb9",
        },
      ],
    }),
  );
}

/** The before / after table on stderr lines. */
export function logPackedKeys(r: PackedKeysResult, log: (s: string) => void): void {
  log(formatTable(packedKeysTable(r)));
  log(
    `keys ${r.key_ratio.toFixed(1)}x smaller (${r.keys_met ? "met" : "missed"}); latency ${
      r.latency_ratio.toFixed(3)
    }x of before (${r.latency_met ? "met" : "missed"})`,
  );
}
