/**
 * The micro benchmark of `deno task bench`: one dense 128 -> 32 layer, power-of-two weights as
 * single-coefficient plaintexts (with and without grouping by exponent) against the same layer
 * with 8-bit fixed-point weights, which need dense plaintexts; same ring degree, same inputs.
 *
 * @module
 */
import * as he from "../../lib/he-head/mod.ts";
import * as hc from "../../lib/he-head/client.ts";
import * as hs from "../../lib/he-head/server.ts";
import type { QuantizedModel } from "../../lib/model/format.ts";
import { formatBytes, formatTable, median, timeRuns } from "../../lib/report/mod.ts";

/** Seeded uniform numbers (mulberry32). */
export function rng(seed: number): () => number {
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
  log: (s: string) => void,
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

/** Runs the micro benchmark (`repeats` runs per variant, medians); its figures for the JSON. */
export async function micro(repeats: number, log: (s: string) => void) {
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
  const speed = reportMicro(log, out, ctx.name, seeded.length, envelope.length);
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
