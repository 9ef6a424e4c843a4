/**
 * `deno task reproduce:mnist [--images 100] [--latency-images 3] [--baseline-poly-max-s 400]
 *  [--variants a,b] [--quick] [--retrain] [--workers 2] [--out results/mnist] [--json]`
 *
 * The paper's experiment: MNIST with the CryptoNets architecture in four variants (CryptoNets,
 * CryptoDL-style, Faster CryptoNets with ReLU-AQ and with Swish-AQ), all measured in one run:
 * float and quantized accuracy on the full 10k test set, encrypted accuracy on N test images in
 * one SIMD batch (every encrypted prediction checked against the integer reference), HOPs per
 * layer, single-image latency with the paper's poly encoding (Faster variants on several
 * images, a baseline on one image when its expected time is within `--baseline-poly-max-s`, else
 * its own SIMD batch, which is what a CryptoNets-style client waits for),
 * throughput, ring degree, moduli, noise budget, ciphertext counts and bytes. The plaintext
 * moduli of a plan run in parallel workers (one per core). Writes `table.md`, `results.json`
 * and SVG charts to `--out`; `--json` prints the results as the last line of stdout.
 *
 * `--quick` is the smoke mode: the Faster ReLU-AQ variant only, trained quickly on a subset
 * (nothing stored), evaluated on `--images` images.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { type HopCounts, type LayerHops, totalHops } from "../lib/he-head/engine/hops.ts";
import { argmax } from "../lib/he-head/engine/plain.ts";
import { evaluateFast, predictFast } from "../lib/he-head/engine/rns_backend.ts";
import type { QuantizedModel } from "../lib/model/format.ts";
import { compileModel, type Network } from "../lib/model/network.ts";
import { presetName } from "../lib/he-head/schemes/bfv/bfv_params.ts";
import { DEFAULT_OP_COSTS, expectedMs } from "../lib/he-head/engine/op_costs.ts";
import { selectParameters } from "../lib/he-head/schemes/bfv/select.ts";
import { ModulusPool, type PoolEvaluation } from "../experiments/mnist/parallel/modulus_pool.ts";
import { getMnistVariant, loadQuantizedMnist, VARIANT_NAMES } from "../experiments/mnist/mod.ts";
import { ClientKeys } from "../lib/he-head/seal/client/keys.ts";
import { CkksContext } from "../lib/he-head/schemes/ckks/ckks_context.ts";
import { ckksPresetName } from "../lib/he-head/schemes/ckks/ckks_params.ts";
import { decryptPacked, encryptPackedImage } from "../lib/he-head/schemes/ckks/client/packed_client.ts";
import {
  PackedNetwork,
  packedNetworkParams,
  packedNetworkPlan,
} from "../lib/he-head/packed/packed_network.ts";
import { EvaluationKeys } from "../lib/he-head/seal/server/evaluation_keys.ts";
import { barChartSvg, formatBytes, formatTable, median } from "../lib/report/mod.ts";

const { values: a } = parseArgs({
  args: Deno.args,
  options: {
    images: { type: "string", default: "100" },
    "latency-images": { type: "string", default: "3" },
    "baseline-poly-max-s": { type: "string", default: "400" },
    variants: { type: "string" },
    quick: { type: "boolean", default: false },
    retrain: { type: "boolean", default: false },
    workers: { type: "string", default: String(navigator.hardwareConcurrency || 2) },
    out: { type: "string", default: "results/mnist" },
    json: { type: "boolean", default: false },
  },
});
const int = (name: string, v: string | undefined, lo: number, hi: number) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < lo || n > hi) {
    throw new RangeError(`--${name}: expected an integer in [${lo}, ${hi}], received ${v}`);
  }
  return n;
};
const images = int("images", a.images, 1, 8192);
const latencyImages = int("latency-images", a["latency-images"], 0, 100);
const workers = int("workers", a.workers, 1, 16);
const baselinePolyMaxS = int("baseline-poly-max-s", a["baseline-poly-max-s"], 0, 86400);
const names = a.quick ? ["faster-relu-aq"] : (a.variants?.split(",") ?? [...VARIANT_NAMES]);
const log = (s: string) => console.error(s);
const t0 = performance.now();

/** Everything measured for one variant. */
interface VariantReport {
  name: string;
  float_accuracy: number;
  test_accuracy: number;
  test_images: number;
  encrypted_images: number;
  encrypted_accuracy: number;
  encrypted_mismatches: number;
  /** Poly-encoded single images whose logits differ from the integer reference (must be 0). */
  poly_mismatches: number;
  hops: LayerHops[];
  hops_total: HopCounts;
  /** HOP-weighted cost in units of one dense plaintext multiplication (poly encoding). */
  dense_equivalent_hops: number;
  /** Single-image latency (s) and how it was obtained. */
  latency_s: number;
  latency_kind: "poly (measured)" | "simd batch (measured)";
  /** Poly single-image latency the cost model expects (s), for every variant. */
  poly_latency_estimate_s: number;
  throughput_images_per_s: number;
  simd: PlanReport;
  poly: PlanReport | null;
  output_bound_log2: number;
}

interface PlanReport {
  params: string;
  ring_degree: number;
  plain_moduli: string[];
  /** Wall-clock ms of each run (all moduli in parallel). */
  wall_ms: number[];
  /** Server evaluation ms per modulus (median over runs). */
  eval_ms_per_modulus: number[];
  noise_budget_bits: number;
  estimated_noise_budget_bits: number;
  input_ciphertexts: number;
  input_bytes: number;
  output_bytes: number;
}

function planReport(
  ev: PoolEvaluation[],
  params: { polyModulusDegree: number; plainModuli: string[] },
  name: string,
): PlanReport {
  const first = ev[0].moduli;
  return {
    params: name,
    ring_degree: params.polyModulusDegree,
    plain_moduli: params.plainModuli,
    wall_ms: ev.map((e) => e.wallMs),
    eval_ms_per_modulus: first.map((_, i) => median(ev.map((e) => e.moduli[i].evalMs))),
    noise_budget_bits: Math.min(...ev.flatMap((e) => e.moduli.map((m) => m.noiseBits))),
    estimated_noise_budget_bits: Math.min(...first.map((m) => m.estimatedNoiseBits)),
    input_ciphertexts: first.reduce((s, m) => s + m.inputCiphertexts, 0),
    input_bytes: first.reduce((s, m) => s + m.inputBytes, 0),
    output_bytes: first.reduce((s, m) => s + m.outputBytes, 0),
  };
}

function denseEquivalent(h: HopCounts, degree: number): number {
  const c = DEFAULT_OP_COSTS[degree];
  return expectedMs(h, c) / c.plain_mul_dense;
}

log(
  `MNIST reproduction: ${
    names.join(", ")
  }; ${images} encrypted test images per variant; ${workers} workers`,
);
const test = await loadQuantizedMnist("test");
const reports: VariantReport[] = [];
const models = new Map<string, QuantizedModel>();
for (const name of names) {
  log(`\n== ${name}`);
  // Fresh workers per variant: SEAL's memory pool keeps every block it has allocated, so a
  // previous variant's ciphertexts (another ring degree) would still occupy the 4 GiB heap.
  using pool = new ModulusPool(workers);
  const r = await getMnistVariant(name, { quick: a.quick, retrain: a.retrain });
  const model: QuantizedModel = r.model;
  models.set(name, model);
  const net: Network = compileModel(model);
  log(
    `model ${r.cached ? "loaded from models/mnist" : "trained"}; float accuracy ${
      (100 * r.floatAccuracy).toFixed(2)
    }%`,
  );

  let t = performance.now();
  const pred = predictFast(net, test.ints, test.count);
  const testAccuracy = pred.filter((p, i) => p === test.y[i]).length / test.count;
  log(
    `quantized (exact integer) accuracy on ${test.count} test images: ${
      (100 * testAccuracy).toFixed(2)
    }% (${((performance.now() - t) / 1000).toFixed(0)} s)`,
  );

  // One SIMD batch of N encrypted images.
  const x = test.ints.subarray(0, images * net.inputSize);
  const want = evaluateFast(net, x, images);
  const simdChoice = selectParameters(net, { encoding: "simd", batchSize: images });
  log(
    `simd: ${simdChoice.name}, ${simdChoice.params.plainModuli.length} moduli, expected ${
      (simdChoice.estimatedMs / 1000).toFixed(0)
    } s sequential`,
  );
  t = performance.now();
  // At n >= 16384 the products stay small (relinearized at once): the 845 three-component
  // ciphertexts of lazy relinearization would not fit SEAL's 4 GiB WebAssembly heap.
  const evalOptions = { lazyRelin: simdChoice.params.polyModulusDegree < 16384 };
  const simd = await pool.evaluate(model, simdChoice.params, x, images, evalOptions);
  const mismatches = simd.logits.filter((l, i) => l.some((v, j) => v !== want[i][j])).length;
  const encCorrect = simd.logits.filter((l, i) => argmax(l) === test.y[i]).length;
  log(
    `simd batch of ${images}: ${
      (simd.wallMs / 1000).toFixed(1)
    } s wall, ${mismatches} mismatches, ${encCorrect}/${images} correct`,
  );

  // Single-image latency with the paper's poly encoding: every Faster variant on
  // --latency-images images; a baseline on one image when the cost model expects it to finish
  // within --baseline-poly-max-s (its moduli in parallel), else its SIMD batch stands in.
  const polyChoice = selectParameters(net, { encoding: "poly" });
  const polyHops = totalHops(polyChoice.hops);
  const polyRuns: PoolEvaluation[] = [];
  const polyWallEstimateS = polyChoice.estimatedMs / 1000 /
    Math.min(workers, polyChoice.params.plainModuli.length);
  const polyImages = name.startsWith("faster")
    ? latencyImages
    : polyWallEstimateS <= baselinePolyMaxS
    ? Math.min(1, latencyImages)
    : 0;
  if (polyImages === 0 && latencyImages > 0) {
    log(
      `poly: ${polyChoice.name} expected ${
        polyWallEstimateS.toFixed(0)
      } s wall > --baseline-poly-max-s ${baselinePolyMaxS}; the SIMD batch stands in for latency`,
    );
  }
  let polyMismatches = 0;
  for (let k = 0; k < polyImages; k++) {
    const xi = test.ints.subarray(k * net.inputSize, (k + 1) * net.inputSize);
    const e = await pool.evaluate(model, polyChoice.params, xi, 1, {
      lazyRelin: polyChoice.params.polyModulusDegree < 16384,
    });
    const ref = evaluateFast(net, xi, 1)[0];
    const exact = e.logits[0].every((v, j) => v === ref[j]);
    if (!exact) polyMismatches++;
    polyRuns.push(e);
    log(
      `poly image ${k + 1}/${polyImages}: ${polyChoice.name}, ${(e.wallMs / 1000).toFixed(1)} s, ${
        exact ? "exact" : "DIFFERS from the integer reference"
      }`,
    );
  }
  const polyEstimate = polyChoice.estimatedMs / 1000;
  const latency = polyRuns.length
    ? median(polyRuns.map((e) => e.wallMs)) / 1000
    : simd.wallMs / 1000;
  reports.push({
    name,
    float_accuracy: r.floatAccuracy,
    test_accuracy: testAccuracy,
    test_images: test.count,
    encrypted_images: images,
    encrypted_accuracy: encCorrect / images,
    encrypted_mismatches: mismatches,
    poly_mismatches: polyMismatches,
    hops: polyChoice.hops,
    hops_total: polyHops,
    dense_equivalent_hops: denseEquivalent(polyHops, polyChoice.params.polyModulusDegree) *
      polyChoice.params.plainModuli.length,
    latency_s: latency,
    latency_kind: polyRuns.length ? "poly (measured)" : "simd batch (measured)",
    poly_latency_estimate_s: polyEstimate,
    throughput_images_per_s: images / (simd.wallMs / 1000),
    simd: planReport([simd], simdChoice.params, presetName(simdChoice.params)),
    poly: polyRuns.length
      ? planReport(polyRuns, polyChoice.params, presetName(polyChoice.params))
      : null,
    output_bound_log2: r.outputBoundLog2,
  });
}

// The packed plan (issue 7) on the full network: one CKKS ciphertext per image.
interface PackedRow {
  name: string;
  base_variant: string;
  params: string;
  encrypted_images: number;
  argmax_mismatches: number;
  encrypted_accuracy: number;
  max_abs_error: number;
  latency_s: number;
  hops: HopCounts;
  galois_steps: number;
  key_bytes: number;
  query_bytes: number;
  response_bytes: number;
  keygen_s: number;
}
let packed: PackedRow | null = null;
const packedBase = ["faster-relu-aq", "faster-swish-aq"].find((n) => models.has(n));
if (packedBase) {
  log(`\n== ${packedBase} (packed, CKKS)`);
  const model = models.get(packedBase)!;
  const net = compileModel(model);
  const plan = packedNetworkPlan(net, 4096, 11);
  if (!plan) log("no packed plan for this network");
  else {
    const params = packedNetworkParams(plan.levels);
    using ctx = await CkksContext.create(params);
    const pn = new PackedNetwork(ctx, plan);
    let t = performance.now();
    using keys = ClientKeys.generate(ctx, { relin: true, galoisSteps: plan.galoisSteps });
    const keygen = (performance.now() - t) / 1000;
    using ek = EvaluationKeys.load(ctx, keys.evaluationKeys);
    const keyBytes = keys.evaluationKeys[0].relin!.length + keys.evaluationKeys[0].galois!.length;
    const x = test.ints.subarray(0, images * net.inputSize);
    const want = evaluateFast(net, x, images);
    const times: number[] = [];
    let mismatches = 0, correct = 0, maxErr = 0, hops = null as HopCounts | null;
    let queryBytes = 0, responseBytes = 0;
    try {
      for (let q = 0; q < images; q++) {
        const ct = encryptPackedImage(
          keys,
          x.subarray(q * net.inputSize, (q + 1) * net.inputSize),
          plan.inputUnit,
          plan.stages[0].period,
        );
        queryBytes = ct.saveToArray(ctx.seal.ComprModeType.none).length;
        t = performance.now();
        const r = pn.evaluate(ct, ek.galois[0]!, ek.relin[0]!);
        times.push(performance.now() - t);
        responseBytes = r.result.saveToArray(ctx.seal.ComprModeType.none).length;
        hops = r.hops;
        const got = decryptPacked(keys, r.result, net.outputSize, plan.outputFactor);
        ct.delete();
        r.result.delete();
        const exact = want[q].map((v) => Number(v) * 2 ** -net.outputScale);
        got.forEach((v, k) => (maxErr = Math.max(maxErr, Math.abs(v - exact[k]))));
        const p = got.indexOf(Math.max(...got));
        if (p !== argmax(want[q])) mismatches++;
        if (p === test.y[q]) correct++;
      }
    } finally {
      pn.delete();
    }
    packed = {
      name: `${packedBase} (packed)`,
      base_variant: packedBase,
      params: ckksPresetName(params),
      encrypted_images: images,
      argmax_mismatches: mismatches,
      encrypted_accuracy: correct / images,
      max_abs_error: maxErr,
      latency_s: median(times.slice(1).length ? times.slice(1) : times) / 1000,
      hops: hops!,
      galois_steps: plan.galoisSteps.length,
      key_bytes: keyBytes,
      query_bytes: queryBytes,
      response_bytes: responseBytes,
      keygen_s: keygen,
    };
    log(
      `packed: ${packed.params}, ${
        packed.latency_s.toFixed(2)
      } s per image (median, after the first), ${mismatches} arg-max differences / ${images}, max |error| ${
        maxErr.toExponential(2)
      }, keys ${formatBytes(keyBytes)}`,
    );
  }
}

const baseline = reports.find((r) => r.name === "cryptonets");
const faster = reports.filter((r) => r.name.startsWith("faster"));
const best = faster.sort((p, q) => p.latency_s - q.latency_s)[0];
const speedupLatency = baseline && best ? baseline.latency_s / best.latency_s : null;
const speedupVsSimdBatch = baseline && best
  ? median(baseline.simd.wall_ms) / 1000 / best.latency_s
  : null;
const speedupHops = baseline && best
  ? baseline.dense_equivalent_hops / best.dense_equivalent_hops
  : null;

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
const rows = reports.map((r) => [
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
]);
const header = [
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
if (packed) {
  rows.push([
    packed.name,
    pct(reports.find((r) => r.name === packed!.base_variant)!.float_accuracy),
    pct(reports.find((r) => r.name === packed!.base_variant)!.test_accuracy),
    `${
      pct(packed.encrypted_accuracy)
    } (${packed.argmax_mismatches} arg-max differences / ${packed.encrypted_images})`,
    packed.hops.ct_ct_mul,
    0,
    packed.hops.plain_mul_dense,
    packed.hops.add,
    "-",
    `${packed.latency_s.toFixed(2)} s (packed CKKS, measured)`,
    (1 / packed.latency_s).toFixed(2),
    packed.params,
  ]);
}
log("\n" + formatTable([header, ...rows]));
if (speedupLatency) {
  log(
    `Faster CryptoNets (${best.name}) vs CryptoNets: ${speedupLatency.toFixed(1)}x lower latency, ${
      speedupHops!.toFixed(1)
    }x fewer dense-equivalent HOPs (${baseline!.latency_kind} vs ${best.latency_kind}); ${
      speedupVsSimdBatch!.toFixed(1)
    }x lower latency than a whole CryptoNets SIMD batch`,
  );
}
log(
  `Paper: 39.1 s per image on an i7-5930K (native SEAL); here ${
    best ? best.latency_s.toFixed(1) : "-"
  } s on this machine (WebAssembly, ${workers} workers for the plaintext moduli).`,
);

const result = {
  variants: reports,
  packed,
  speedup_latency: speedupLatency,
  speedup_hops: speedupHops,
  speedup_latency_vs_simd_batch: speedupVsSimdBatch,
  images,
  quick: a.quick,
  total_s: (performance.now() - t0) / 1000,
};
await Deno.mkdir(a.out!, { recursive: true });
const md = [
  "# MNIST, CryptoNets architecture: four variants measured in one run",
  "",
  `Command: \`deno task reproduce:mnist --images ${images} --latency-images ${latencyImages}${
    a.quick ? " --quick" : ""
  }\` (${(result.total_s / 60).toFixed(1)} min, ${workers} workers).`,
  "",
  "| " + header.join(" | ") + " |",
  "|" + header.map(() => "---").join("|") + "|",
  ...rows.map((r) => "| " + r.join(" | ") + " |"),
  "",
  speedupLatency
    ? `Faster CryptoNets (${best.name}) over CryptoNets: ${
      speedupLatency.toFixed(1)
    }x lower single-image latency, ${
      speedupHops!.toFixed(1)
    }x fewer dense-equivalent HOPs (poly encoding, HOPs weighted by measured per-operation costs, in units of one dense plaintext multiplication); ${
      speedupVsSimdBatch!.toFixed(1)
    }x lower latency than CryptoNets' own SIMD batch (${
      (median(baseline!.simd.wall_ms) / 1000).toFixed(1)
    } s for ${images} images, which a single CryptoNets query also waits for).`
    : "",
  "",
  packed
    ? `Packed row: one CKKS ciphertext per image (${packed.params}), every layer a packed matrix-vector product and one square per activation for all units; ${packed.hops.rotate} rotations (${packed.galois_steps} Galois keys, ${
      formatBytes(packed.key_bytes)
    } of evaluation keys, generated in ${packed.keygen_s.toFixed(1)} s), query ${
      formatBytes(packed.query_bytes)
    }, response ${formatBytes(packed.response_bytes)}; approximate: max |logit error| ${
      packed.max_abs_error.toExponential(2)
    }, ${packed.argmax_mismatches} arg-max differences from the integer reference on ${packed.encrypted_images} images. LoLa: 2.2 s on 8 vCPUs.`
    : "",
  "",
  `Single-image latency uses the paper's poly encoding (one query, one ciphertext per value, power-of-two weights as monomial plaintexts, dense weights as multi-coefficient plaintexts), the moduli of a plan on parallel workers; a baseline whose poly run the cost model expects to exceed ${baselinePolyMaxS} s shows its own SIMD batch instead (one ciphertext per pixel, all images in slots: a single image costs a whole batch), marked as such.`,
  "",
  "## HOPs per layer (poly encoding, per plaintext modulus)",
  "",
  ...reports.flatMap((r) => [
    `### ${r.name}`,
    "",
    "| layer | ct*ct | relin | pt*ct 1-coef | pt*ct dense | add | add pt |",
    "|---|---|---|---|---|---|---|",
    ...r.hops.map((l) =>
      `| ${l.name} (${l.type}) | ${l.hops.ct_ct_mul} | ${l.hops.relin} | ${l.hops.plain_mul_single} | ${l.hops.plain_mul_dense} | ${l.hops.add} | ${l.hops.add_plain} |`
    ),
    "",
  ]),
  "## Plans",
  "",
  "| variant | plan | moduli | wall s | eval s per modulus | noise left (est.) bits | input ciphertexts | input | output |",
  "|---|---|---|---|---|---|---|---|---|",
  ...reports.flatMap((r) =>
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
  ),
  "",
].join("\n");
await Deno.writeTextFile(`${a.out}/table.md`, md);
await Deno.writeTextFile(
  `${a.out}/results.json`,
  JSON.stringify(result, (_, v) => (typeof v === "bigint" ? v.toString() : v), 2) + "\n",
);
const colors = ["#888888", "#b07aa1", "#4e79a7", "#59a14f"];
const layerNames = reports[0].hops.map((l) => l.name);
await Deno.writeTextFile(
  `${a.out}/hops_per_layer.svg`,
  barChartSvg({
    title: "Dense-equivalent HOPs per layer (poly encoding, per modulus)",
    yLabel: "dense plaintext multiplications (log)",
    groups: layerNames,
    logY: true,
    series: reports.map((r, i) => ({
      label: r.name,
      color: colors[i % colors.length],
      values: layerNames.map((n) => {
        const l = r.hops.find((h) => h.name === n);
        return l ? denseEquivalent(l.hops, r.poly?.ring_degree ?? r.simd.ring_degree) : 0;
      }),
    })),
  }),
);
await Deno.writeTextFile(
  `${a.out}/latency.svg`,
  barChartSvg({
    title: "Single-image latency (s): measured (poly, or own SIMD batch) and poly estimate",
    yLabel: "seconds (log)",
    groups: reports.map((r) => r.name),
    logY: true,
    series: [
      { label: "measured latency", color: "#4e79a7", values: reports.map((r) => r.latency_s) },
      {
        label: "poly, cost-model estimate",
        color: "#f28e2b",
        values: reports.map((r) => r.poly_latency_estimate_s),
      },
    ],
  }),
);
log(
  `\nwrote ${a.out}/table.md, results.json, hops_per_layer.svg, latency.svg (${
    (result.total_s / 60).toFixed(1)
  } min)`,
);
if (a.json) {
  console.log(JSON.stringify(result, (_, v) => (typeof v === "bigint" ? v.toString() : v)));
}
const inexact = reports.filter((r) => r.encrypted_mismatches > 0 || r.poly_mismatches > 0);
if (inexact.length > 0) {
  log(`encrypted results differ from the integer reference: ${inexact.map((r) => r.name)}`);
  Deno.exit(1);
}
