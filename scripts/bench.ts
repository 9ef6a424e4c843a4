/**
 * `deno task bench [--json] [--repeats N] [--skip-ops]`
 *
 * Benchmarks of the HE engine, all measured in one run so ratios hold on a noisy machine:
 * - micro: one dense 128 -> 32 layer, power-of-two weights as single-coefficient plaintexts
 *   (with and without grouping by exponent) against the same layer with 8-bit fixed-point
 *   weights, which need dense plaintexts; same ring degree, same inputs.
 * - ops: median milliseconds per SEAL operation at each ring degree (the planner's cost table).
 * - plans: the function's plans (poly, simd, packed, exact packed) on the demo head (`--model`, default
 *   `models/head/uci_digits.json`; a synthetic 32 -> 32 -> 10 head when that file is absent,
 *   labelled as such), each through the real server path.
 *
 * A human table goes to stderr; with `--json` one JSON object is the last line of stdout.
 *
 * @module
 */
import * as he from "../lib/he-head/mod.ts";
import { micro, rng } from "./bench/micro.ts";
import { measureOpCosts } from "./bench/op_costs.ts";
import { parseCli, usageExit } from "./cli/usage.ts";
import { benchPlans } from "./bench/plans.ts";
import { benchWide } from "./bench/wide.ts";

const USAGE = `usage: deno task bench [--json] [--repeats N] [--skip-ops] [--model PATH] [--batch N]
                        [--skip-wide | --only-wide]

  --json         one JSON object as the last line of stdout (a table goes to stderr either way)
  --repeats N    runs per measurement; medians are reported (default 5)
  --skip-ops     skip the per-operation cost table
  --model PATH   the head to benchmark the plans on (default models/head/uci_digits.json)
  --batch N      queries in the simd batch (default 500)
  --skip-wide    skip the wide-head grid (bfv_wide, d up to 1,024 x hidden up to 128)
  --only-wide    run only the wide-head grid (key "wide"; table and chart in results/wide/)`;

const { values: args } = parseCli(USAGE, {
  options: {
    json: { type: "boolean", default: false },
    repeats: { type: "string", default: "5" },
    "skip-ops": { type: "boolean", default: false },
    model: { type: "string", default: "models/head/uci_digits.json" },
    batch: { type: "string", default: "500" },
    "skip-wide": { type: "boolean", default: false },
    "only-wide": { type: "boolean", default: false },
  },
});
const repeats = Number(args.repeats);
if (!Number.isInteger(repeats) || repeats < 1) {
  usageExit(USAGE, `--repeats: expected a positive integer, received ${args.repeats}`);
}
const log = (s: string) => console.error(s);

/** The demo head, or a synthetic one of the same shape when none has been trained yet. */
async function headNetwork(path: string): Promise<he.Network> {
  try {
    return he.compileModel(await he.readModel(path));
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
    log(`(no ${path}: benchmarking a synthetic 32 -> 32 -> 10 power-of-two head instead)`);
    const r = rng(7);
    const pow2 = (n: number) => ({
      kind: "pow2" as const,
      shape: [] as number[],
      sign: Array.from({ length: n }, () => (r() < 0.5 ? 0 : r() < 0.5 ? -1 : 1)),
      exponent: Array.from({ length: n }, () => -Math.floor(r() * 6)),
      scale_log2: 5,
    });
    const w1 = { ...pow2(32 * 32), shape: [32, 32] }, w2 = { ...pow2(32 * 10), shape: [32, 10] };
    return he.compileModel(he.parseModel({
      format: "faster-cryptonets.quantized-model",
      version: 1,
      name: "synthetic-head",
      input: { shape: [32], min: 0, max: 15, scale_log2: 2 },
      layers: [
        { type: "dense", units: 32, weights: w1 },
        {
          type: "activation",
          kind: "relu-aq",
          coefficients: [{ m: 1, e: -2 }, { m: 1, e: -1 }, { m: 1, e: -3 }],
        },
        { type: "dense", units: 10, weights: w2 },
      ],
    }));
  }
}

log("faster-cryptonets benchmark");
if (args["only-wide"]) {
  const wide = await benchWide({ repeats, log });
  if (args.json) {
    console.log(JSON.stringify({
      wide: wide.rows,
      wide_target_layouts: wide.target_layouts,
      wide_unit_costs: wide.unit_costs,
    }));
  }
  Deno.exit(0);
}
const result: Record<string, unknown> = { micro: await micro(repeats, log) };
if (!args["skip-ops"]) result.op_costs = await measureOpCosts({ repeats, log });
result.plans = await benchPlans(await headNetwork(args.model!), {
  repeats,
  batch: Number(args.batch),
  log,
});
if (!args["skip-wide"]) {
  const wide = await benchWide({ repeats, log });
  [result.wide, result.wide_target_layouts, result.wide_unit_costs] = [
    wide.rows,
    wide.target_layouts,
    wide.unit_costs,
  ];
}
const m = result.micro as Record<string, unknown>;
const p = result.plans as Record<string, unknown>;
const summary = {
  single_coeff_ms: m.single_coeff_ms,
  dense_ms: m.dense_ms,
  speedup_single_coeff_vs_dense: m.speedup_single_coeff_vs_dense,
  hops: m.hops,
  packed_single_query_ms: p.packed_single_query_ms,
  poly_single_query_ms: p.poly_single_query_ms,
  packed_query_bytes: p.packed_query_bytes,
  packed_response_bytes: p.packed_response_bytes,
  packed_key_bytes: p.packed_key_bytes,
  exact_packed_single_query_ms: p.exact_packed_single_query_ms,
  ckks_packed_single_query_ms: p.ckks_packed_single_query_ms,
  exact_packed_query_bytes: p.exact_packed_query_bytes,
  exact_packed_response_bytes: p.exact_packed_response_bytes,
  exact_packed_key_bytes: p.exact_packed_key_bytes,
  exact_packed_floor_ms: p.exact_packed_floor_ms,
  exact_packed_cpu_ms: p.exact_packed_cpu_ms,
  ckks_packed_cpu_ms: p.ckks_packed_cpu_ms,
  exact_packed_vs_ckks_packed: p.exact_packed_vs_ckks_packed,
  ...result,
};
if (args.json) console.log(JSON.stringify(summary));
