/**
 * `deno task bench [--json] [--repeats N] [--skip-ops]`
 *
 * Benchmarks of the HE engine, all measured in one run so ratios hold on a noisy machine:
 * - micro: one dense 128 -> 32 layer, power-of-two weights as single-coefficient plaintexts
 *   (with and without grouping by exponent) against the same layer with 8-bit fixed-point
 *   weights, which need dense plaintexts; same ring degree, same inputs.
 * - ops: median milliseconds per SEAL operation at each ring degree (the planner's cost table).
 * - plans: the function's plans (poly, simd, packed) on the demo head (`--model`, default
 *   `models/head/uci_digits.json`; a synthetic 32 -> 32 -> 10 head when that file is absent,
 *   labelled as such), each through the real server path.
 *
 * A human table goes to stderr; with `--json` one JSON object is the last line of stdout.
 *
 * @module
 */
import { parseArgs } from "node:util";
import * as he from "../lib/he-head/mod.ts";
import * as hc from "../lib/he-head/client.ts";
import * as hs from "../lib/he-head/server.ts";
import type { QuantizedModel } from "../lib/model/format.ts";
import { formatBytes, formatTable, median, timeRuns } from "../lib/report/mod.ts";
import { measureOpCosts } from "./bench/op_costs.ts";
import { benchPlans } from "./bench/plans.ts";

const { values: args } = parseArgs({
  args: Deno.args,
  options: {
    json: { type: "boolean", default: false },
    repeats: { type: "string", default: "5" },
    "skip-ops": { type: "boolean", default: false },
    model: { type: "string", default: "models/head/uci_digits.json" },
    batch: { type: "string", default: "500" },
  },
});
const repeats = Number(args.repeats);
if (!Number.isInteger(repeats) || repeats < 1) {
  throw new RangeError(`--repeats: expected a positive integer, received ${args.repeats}`);
}
const log = (s: string) => console.error(s);

/** Seeded uniform numbers (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 128 -> 32 layer from Gaussian-ish float weights: power-of-two and 8-bit integer versions. */
function microModels(): { pow2: QuantizedModel; int8: QuantizedModel } {
  const [nIn, nOut] = [128, 32];
  const r = rng(42);
  const w = Array.from({ length: nIn * nOut }, () => (r() + r() + r() - 1.5) / Math.sqrt(nIn));
  const maxAbs = Math.max(...w.map(Math.abs));
  const top = Math.floor(Math.log2(maxAbs));
  const sign = w.map((v) => (Math.abs(v) < 2 ** (top - 7) ? 0 : Math.sign(v)));
  const exponent = w.map((
    v,
    i,
  ) => (sign[i] === 0 ? 0 : Math.min(top, Math.max(top - 7, Math.round(Math.log2(Math.abs(v)))))));
  const base = {
    format: "faster-cryptonets.quantized-model" as const,
    version: 1 as const,
    input: { shape: [nIn], min: 0, max: 15, scale_log2: 0 },
  };
  return {
    pow2: {
      ...base,
      name: "micro-pow2",
      layers: [{
        type: "dense",
        units: nOut,
        weights: { kind: "pow2", shape: [nIn, nOut], sign, exponent, scale_log2: 7 - top },
      }],
    },
    int8: {
      ...base,
      name: "micro-int8",
      layers: [{
        type: "dense",
        units: nOut,
        weights: {
          kind: "int",
          shape: [nIn, nOut],
          values: w.map((v) => Math.round((v / maxAbs) * 127)),
          scale_log2: 7,
        },
      }],
    },
  };
}

/** A micro-benchmark run's figures. */
interface MicroRun {
  ms: number;
  hops: he.LayerHops[];
  noise: number;
  exact: boolean;
  outputBytes: number;
}

/** Logs the micro benchmark's table and sizes; returns the speed-up of grouped single coefficients. */
function reportMicro(
  out: Record<string, MicroRun>,
  params: string,
  seededBytes: number,
  envelopeBytes: number,
): number {
  log("\nMicro benchmark: dense 128 -> 32, poly encoding, " + params);
  log(formatTable([
    ["variant", "median ms", "ct*pt 1-coef", "ct*pt dense", "adds", "noise left (bits)", "exact"],
    ...Object.entries(out).map(([k, v]) => {
      const h = he.totalHops(v.hops);
      return [
        k,
        v.ms,
        h.plain_mul_single,
        h.plain_mul_dense,
        h.add,
        v.noise,
        v.exact ? "yes" : "NO",
      ];
    }),
  ]));
  const speed = out.dense.ms / out.single_coeff.ms;
  log(
    `speedup single-coefficient (grouped) vs dense: ${speed.toFixed(1)}x; ungrouped: ${
      (out.dense.ms / out.single_coeff_ungrouped.ms).toFixed(1)
    }x`,
  );
  log(
    `sizes: seeded input ciphertext ${formatBytes(seededBytes)}, 128 inputs deflated ${
      formatBytes(envelopeBytes)
    }, output ciphertext ${formatBytes(out.single_coeff.outputBytes)}`,
  );
  log(he.formatHopsTable(out.single_coeff.hops));
  return speed;
}

async function micro() {
  const { pow2, int8 } = microModels();
  const netP = he.compileModel(he.parseModel(pow2));
  const netI = he.compileModel(he.parseModel(int8));
  // One parameter set that fits both (the integer layer needs the larger coefficients).
  const choice = he.selectParameters(netI, { encoding: "poly" });
  using ctx = await he.HeContext.create(choice.params);
  using keys = hc.ClientKeys.generate(ctx, { relin: false });
  const x = Int32Array.from({ length: 128 }, (_, i) => (i * 7) % 16);
  const inputs = hc.encryptInputs(keys, x, 1, 128);
  const seeded = hc.encryptInputsSerialized(keys, x.subarray(0, 1), 1, 1)[0][0];
  const envelope = await he.packInputs(ctx.params, hc.encryptInputsSerialized(keys, x, 1, 128), 1);
  const runs: Record<string, { net: he.Network; opts: he.EvaluateOptions; reps: number }> = {
    single_coeff: { net: netP, opts: {}, reps: repeats },
    single_coeff_ungrouped: { net: netP, opts: { groupByExponent: false }, reps: repeats },
    dense: { net: netI, opts: {}, reps: Math.max(1, Math.ceil(repeats / 2)) },
  };
  const out: Record<string, MicroRun> = {};
  for (const [name, run] of Object.entries(runs)) {
    let last: he.EncryptedResult | null = null;
    const times = await timeRuns(run.reps, () => {
      if (last) he.freeResult(last);
      last = hs.evaluateEncrypted(ctx, run.net, inputs, null, run.opts);
    });
    const r = last!;
    const exact = JSON.stringify(hc.decryptOutputs(keys, r, 1).map((a) => a.map(String))) ===
      JSON.stringify(he.evaluatePlain(run.net, x, 1).map((a) => a.map(String)));
    const outputBytes = r.ciphertexts[0][0]?.saveToArray(ctx.seal.ComprModeType.none).length ?? 0;
    out[name] = {
      ms: median(times),
      hops: r.hops,
      noise: Math.min(...hc.outputNoiseBudgets(keys, r)),
      exact,
      outputBytes,
    };
    he.freeResult(r);
    log(`  ${name}: ${median(times).toFixed(1)} ms (median of ${run.reps})`);
  }
  inputs.flat().forEach((c) => c.delete());
  const t = he.plainModuli(ctx.params);
  const speed = reportMicro(out, ctx.name, seeded.length, envelope.length);
  return {
    single_coeff_ms: out.single_coeff.ms,
    single_coeff_ungrouped_ms: out.single_coeff_ungrouped.ms,
    dense_ms: out.dense.ms,
    speedup_single_coeff_vs_dense: speed,
    speedup_ungrouped_vs_dense: out.dense.ms / out.single_coeff_ungrouped.ms,
    exact: Object.values(out).every((v) => v.exact),
    hops: Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.hops])),
    params: ctx.name,
    ring_degree: ctx.degree,
    plain_modulus: t.map(String),
    noise_budget_bits: Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.noise])),
    ciphertext_bytes: {
      seeded_input: seeded.length,
      inputs_envelope_128: envelope.length,
      output: out.single_coeff.outputBytes,
    },
  };
}

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
const result: Record<string, unknown> = { micro: await micro() };
if (!args["skip-ops"]) result.op_costs = await measureOpCosts({ repeats, log });
result.plans = await benchPlans(await headNetwork(args.model!), {
  repeats,
  batch: Number(args.batch),
  log,
});
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
  ...result,
};
if (args.json) console.log(JSON.stringify(summary));
