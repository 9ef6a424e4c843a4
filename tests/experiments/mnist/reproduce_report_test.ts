import assert from "node:assert/strict";
import {
  logSummary,
  reproductionResult,
  resultJson,
  type VariantReport,
  writeReport,
} from "../../../experiments/mnist/mod.ts";
import { zeroHops } from "../../../lib/he-head/mod.ts";

function row(name: string, latency: number, denseHops: number, simdMs: number): VariantReport {
  const plan = {
    params: "bfv_n8192_t2x30_simd",
    ring_degree: 8192,
    plain_moduli: ["1", "2"],
    wall_ms: [simdMs],
    eval_ms_per_modulus: [simdMs, simdMs],
    noise_budget_bits: 40,
    estimated_noise_budget_bits: 30.5,
    input_ciphertexts: 784,
    input_bytes: 1000,
    output_bytes: 100,
  };
  return {
    name,
    float_accuracy: 0.99,
    test_accuracy: 0.98,
    test_images: 10000,
    encrypted_images: 3,
    encrypted_accuracy: 1,
    encrypted_mismatches: 0,
    poly_mismatches: 0,
    hops: [{ layer: 0, name: "conv1", type: "conv2d", hops: { ...zeroHops(), ct_ct_mul: 1 } }],
    hops_total: { ...zeroHops(), ct_ct_mul: 1 },
    dense_equivalent_hops: denseHops,
    latency_s: latency,
    latency_kind: "poly (measured)",
    poly_latency_estimate_s: latency,
    throughput_images_per_s: 1,
    simd: plan,
    poly: null,
    output_bound_log2: 60,
  };
}

Deno.test("reproduction result: speed-ups against the fastest Faster variant, keys in order", () => {
  const rows = [
    row("cryptonets", 400, 1000, 800_000),
    row("faster-relu-aq", 40, 100, 50_000),
    row("faster-swish-aq", 20, 50, 50_000),
  ];
  const r = reproductionResult(rows, null, { images: 3, quick: false, totalS: 12 });
  assert.deepEqual(Object.keys(r), [
    "variants",
    "packed",
    "packed_key_bytes",
    "packed_latency_s",
    "speedup_latency",
    "speedup_hops",
    "speedup_latency_vs_simd_batch",
    "images",
    "quick",
    "total_s",
  ]);
  assert.equal(r.speedup_latency, 20);
  assert.equal(r.speedup_hops, 20);
  assert.equal(r.speedup_latency_vs_simd_batch, 40);
  assert.deepEqual(r.variants.map((v) => v.name), rows.map((v) => v.name), "run order kept");
  const none = reproductionResult([rows[1]], null, { images: 3, quick: true, totalS: 1 });
  assert.equal(none.speedup_latency, null);
  assert.match(resultJson({ ...none, extra: 5n } as typeof none), /"extra":"5"/);
  const lines: string[] = [];
  logSummary(r, { latencyImages: 1, baselinePolyMaxS: 400, workers: 2 }, (l) => lines.push(l));
  assert.match(lines.join("\n"), /Faster CryptoNets \(faster-swish-aq\) vs CryptoNets: 20\.0x/);
});

Deno.test("writeReport writes table.md, results.json and both charts", async () => {
  const out = await Deno.makeTempDir();
  const r = reproductionResult([row("cryptonets", 400, 1000, 800_000)], null, {
    images: 3,
    quick: false,
    totalS: 60,
  });
  await writeReport(out, r, { latencyImages: 1, baselinePolyMaxS: 400, workers: 2 });
  const md = await Deno.readTextFile(`${out}/table.md`);
  assert.match(md, /^# MNIST, CryptoNets architecture/);
  assert.match(md, /--images 3 --latency-images 1` \(1\.0 min, 2 workers\)/);
  assert.deepEqual(JSON.parse(await Deno.readTextFile(`${out}/results.json`)), r);
  for (const f of ["hops_per_layer.svg", "latency.svg"]) {
    assert.match(await Deno.readTextFile(`${out}/${f}`), /^<svg/);
  }
  await Deno.remove(out, { recursive: true });
});
