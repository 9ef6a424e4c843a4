/**
 * One variant's row of the reproduction: quantized accuracy on the whole test split, one SIMD
 * batch of encrypted images (every prediction checked against the integer reference), HOPs per
 * layer and single-image latency with the paper's poly encoding, the plaintext moduli of each
 * plan on parallel workers ({@linkcode ModulusPool}).
 *
 * @module
 */
import {
  argmax,
  DEFAULT_OP_COSTS,
  evaluateFast,
  expectedMs,
  type HeParams,
  type HopCounts,
  type LayerHops,
  type ParameterChoice,
  predictFast,
  presetName,
  selectParameters,
  totalHops,
} from "../../../lib/he-head/mod.ts";
import { compileModel, type Network, type QuantizedModel } from "../../../lib/model/mod.ts";
import { median } from "../../../lib/report/mod.ts";
import type { QuantizedMnist } from "../mnist_inputs.ts";
import type { MnistVariantResult } from "../result.ts";
import { ModulusPool, type PoolEvaluation } from "../parallel/modulus_pool.ts";

/** What every row of a reproduction run is measured with. */
export interface ReproduceSetup {
  /** The quantized test split (the whole 10k in a real run). */
  test: QuantizedMnist;
  /** Encrypted test images: one SIMD batch per variant, and the packed row's images. */
  images: number;
  /** Poly-encoded single images per Faster variant (baselines: at most one). */
  latencyImages: number;
  /** A baseline's poly run is made only when expected within this many seconds (wall). */
  baselinePolyMaxS: number;
  /** Workers of the modulus pool (one plaintext modulus each). */
  workers: number;
  /** Progress lines (stderr). */
  log: (line: string) => void;
}

/** One plan's measurements (JSON keys of `results.json`). */
export interface PlanReport {
  /** Self-describing preset name. */
  params: string;
  /** Polynomial modulus degree. */
  ring_degree: number;
  /** Plaintext moduli (decimal strings). */
  plain_moduli: string[];
  /** Wall-clock ms of each run (all moduli in parallel). */
  wall_ms: number[];
  /** Server evaluation ms per modulus (median over runs). */
  eval_ms_per_modulus: number[];
  /** Smallest noise budget left at the outputs (bits). */
  noise_budget_bits: number;
  /** The noise model's estimate of that budget (bits). */
  estimated_noise_budget_bits: number;
  /** Input ciphertexts over all moduli. */
  input_ciphertexts: number;
  /** Serialized input bytes over all moduli. */
  input_bytes: number;
  /** Serialized output bytes over all moduli (after shrinking). */
  output_bytes: number;
}

/** Everything measured for one variant (JSON keys of `results.json`). */
export interface VariantReport {
  /** The variant. */
  name: string;
  /** Float test accuracy (from training). */
  float_accuracy: number;
  /** Exact integer accuracy on the test split. */
  test_accuracy: number;
  /** Images of the test split. */
  test_images: number;
  /** Images of the encrypted SIMD batch. */
  encrypted_images: number;
  /** Accuracy of the encrypted batch. */
  encrypted_accuracy: number;
  /** Encrypted batch predictions whose logits differ from the integer reference (must be 0). */
  encrypted_mismatches: number;
  /** Poly-encoded single images whose logits differ from the integer reference (must be 0). */
  poly_mismatches: number;
  /** HOPs per layer (poly encoding, per plaintext modulus). */
  hops: LayerHops[];
  /** Their sum. */
  hops_total: HopCounts;
  /** HOP-weighted cost in units of one dense plaintext multiplication (poly encoding). */
  dense_equivalent_hops: number;
  /** Single-image latency (s) and how it was obtained. */
  latency_s: number;
  /** How the latency was obtained. */
  latency_kind: "poly (measured)" | "simd batch (measured)";
  /** Poly single-image latency the cost model expects (s), for every variant. */
  poly_latency_estimate_s: number;
  /** Images per second of the SIMD batch. */
  throughput_images_per_s: number;
  /** The SIMD batch's plan. */
  simd: PlanReport;
  /** The poly plan, when single images were run. */
  poly: PlanReport | null;
  /** `log2` of the worst-case logit magnitude. */
  output_bound_log2: number;
}

function planReport(ev: PoolEvaluation[], params: HeParams): PlanReport {
  const first = ev[0].moduli;
  return {
    params: presetName(params),
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

/**
 * HOPs weighted by the measured per-operation costs of ring degree `degree`, in units of one
 * dense plaintext multiplication.
 *
 * @example
 * ```ts
 *  * import { denseEquivalent } from "./variant_row.ts";
 * denseEquivalent({ ...zeroHops(), plain_mul_dense: 1 }, 8192); // 1
 * ```
 */
export function denseEquivalent(h: HopCounts, degree: number): number {
  const c = DEFAULT_OP_COSTS[degree];
  return expectedMs(h, c) / c.plain_mul_dense;
}

/** At n >= 16384 products are relinearized at once (lazy ones would not fit SEAL's heap). */
function evalOptions(params: HeParams): { lazyRelin: boolean } {
  return { lazyRelin: params.polyModulusDegree < 16384 };
}

interface SimdRun {
  choice: ParameterChoice;
  run: PoolEvaluation;
  mismatches: number;
  correct: number;
}

async function simdBatch(
  pool: ModulusPool,
  model: QuantizedModel,
  net: Network,
  setup: ReproduceSetup,
): Promise<SimdRun> {
  const { test, images, log } = setup;
  const x = test.ints.subarray(0, images * net.inputSize);
  const want = evaluateFast(net, x, images);
  const choice = selectParameters(net, { encoding: "simd", batchSize: images });
  log(
    `simd: ${choice.name}, ${choice.params.plainModuli.length} moduli, expected ${
      (choice.estimatedMs / 1000).toFixed(0)
    } s sequential`,
  );
  const run = await pool.evaluate(model, choice.params, x, images, evalOptions(choice.params));
  const mismatches = run.logits.filter((l, i) => l.some((v, j) => v !== want[i][j])).length;
  const correct = run.logits.filter((l, i) => argmax(l) === test.y[i]).length;
  log(
    `simd batch of ${images}: ${
      (run.wallMs / 1000).toFixed(1)
    } s wall, ${mismatches} mismatches, ${correct}/${images} correct`,
  );
  return { choice, run, mismatches, correct };
}

/**
 * How many poly single images a variant runs: every Faster variant `latencyImages`; a baseline
 * one when the cost model expects it within `baselinePolyMaxS` (its moduli in parallel), else 0
 * (its SIMD batch stands in).
 */
function polyImageCount(name: string, choice: ParameterChoice, setup: ReproduceSetup): number {
  const wallEstimateS = choice.estimatedMs / 1000 /
    Math.min(setup.workers, choice.params.plainModuli.length);
  const n = name.startsWith("faster")
    ? setup.latencyImages
    : wallEstimateS <= setup.baselinePolyMaxS
    ? Math.min(1, setup.latencyImages)
    : 0;
  if (n === 0 && setup.latencyImages > 0) {
    setup.log(
      `poly: ${choice.name} expected ${
        wallEstimateS.toFixed(0)
      } s wall > --baseline-poly-max-s ${setup.baselinePolyMaxS}; the SIMD batch stands in for latency`,
    );
  }
  return n;
}

async function polyRuns(
  pool: ModulusPool,
  model: QuantizedModel,
  net: Network,
  choice: ParameterChoice,
  count: number,
  setup: ReproduceSetup,
): Promise<{ runs: PoolEvaluation[]; mismatches: number }> {
  const runs: PoolEvaluation[] = [];
  let mismatches = 0;
  for (let k = 0; k < count; k++) {
    const xi = setup.test.ints.subarray(k * net.inputSize, (k + 1) * net.inputSize);
    const e = await pool.evaluate(model, choice.params, xi, 1, evalOptions(choice.params));
    const ref = evaluateFast(net, xi, 1)[0];
    const exact = e.logits[0].every((v, j) => v === ref[j]);
    if (!exact) mismatches++;
    runs.push(e);
    setup.log(
      `poly image ${k + 1}/${count}: ${choice.name}, ${(e.wallMs / 1000).toFixed(1)} s, ${
        exact ? "exact" : "DIFFERS from the integer reference"
      }`,
    );
  }
  return { runs, mismatches };
}

/**
 * Measures one trained variant: exact integer accuracy on `setup.test`, an encrypted SIMD batch
 * of `setup.images` images and poly single-image latency. Fresh workers per variant: SEAL's
 * memory pool keeps every block it has allocated, so a previous variant's ciphertexts (another
 * ring degree) would still occupy the 4 GiB heap.
 *
 * @example
 * ```ts
 * import { getMnistVariant, loadQuantizedMnist } from "../mod.ts";
 * import { measureVariant } from "./variant_row.ts";
 * const test = await loadQuantizedMnist("test", 100);
 * const r = await getMnistVariant("faster-relu-aq");
 * const row = await measureVariant(r, {
 *   test, images: 4, latencyImages: 1, baselinePolyMaxS: 400, workers: 2, log: console.error,
 * });
 * console.log(row.encrypted_mismatches, row.latency_s);
 * ```
 */
export async function measureVariant(
  r: MnistVariantResult,
  setup: ReproduceSetup,
): Promise<VariantReport> {
  const { test, images, log } = setup;
  using pool = new ModulusPool(setup.workers);
  const net = compileModel(r.model);
  const t = performance.now();
  const pred = predictFast(net, test.ints, test.count);
  const testAccuracy = pred.filter((p, i) => p === test.y[i]).length / test.count;
  log(
    `quantized (exact integer) accuracy on ${test.count} test images: ${
      (100 * testAccuracy).toFixed(2)
    }% (${((performance.now() - t) / 1000).toFixed(0)} s)`,
  );
  const simd = await simdBatch(pool, r.model, net, setup);
  const polyChoice = selectParameters(net, { encoding: "poly" });
  const polyHops = totalHops(polyChoice.hops);
  const count = polyImageCount(r.name, polyChoice, setup);
  const poly = await polyRuns(pool, r.model, net, polyChoice, count, setup);
  const measured = poly.runs.length > 0;
  return {
    name: r.name,
    float_accuracy: r.floatAccuracy,
    test_accuracy: testAccuracy,
    test_images: test.count,
    encrypted_images: images,
    encrypted_accuracy: simd.correct / images,
    encrypted_mismatches: simd.mismatches,
    poly_mismatches: poly.mismatches,
    hops: polyChoice.hops,
    hops_total: polyHops,
    dense_equivalent_hops: denseEquivalent(polyHops, polyChoice.params.polyModulusDegree) *
      polyChoice.params.plainModuli.length,
    latency_s: measured ? median(poly.runs.map((e) => e.wallMs)) / 1000 : simd.run.wallMs / 1000,
    latency_kind: measured ? "poly (measured)" : "simd batch (measured)",
    poly_latency_estimate_s: polyChoice.estimatedMs / 1000,
    throughput_images_per_s: images / (simd.run.wallMs / 1000),
    simd: planReport([simd.run], simd.choice.params),
    poly: measured ? planReport(poly.runs, polyChoice.params) : null,
    output_bound_log2: r.outputBoundLog2,
  };
}
