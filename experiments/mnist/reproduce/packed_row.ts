/**
 * The packed row of the reproduction (issue 7): the whole network of a Faster variant evaluated
 * on one CKKS ciphertext per image (every layer a packed matrix-vector product, one square per
 * activation for all units), compared with the exact integer reference.
 *
 * @module
 */
import { ClientKeys, decryptPacked, encryptPackedImage } from "../../../lib/he-head/client.ts";
import {
  argmax,
  CkksContext,
  ckksPresetName,
  evaluateFast,
  type HopCounts,
  PackedNetwork,
  packedNetworkParams,
  type PackedNetworkPlan,
  packedNetworkPlan,
} from "../../../lib/he-head/mod.ts";
import { EvaluationKeys } from "../../../lib/he-head/server.ts";
import { compileModel, type Network, type QuantizedModel } from "../../../lib/model/mod.ts";
import { formatBytes, median } from "../../../lib/report/mod.ts";
import type { ReproduceSetup } from "./variant_row.ts";

/** The packed row (JSON keys of `results.json`). */
export interface PackedRow {
  /** `<variant> (packed)`. */
  name: string;
  /** The variant whose model is evaluated. */
  base_variant: string;
  /** CKKS preset name. */
  params: string;
  /** Images evaluated, one ciphertext each. */
  encrypted_images: number;
  /** Images whose arg-max differs from the integer reference's. */
  argmax_mismatches: number;
  /** Accuracy of the encrypted predictions. */
  encrypted_accuracy: number;
  /** Largest `|logit - exact logit|` over all images and classes. */
  max_abs_error: number;
  /** Median seconds per image, after the first. */
  latency_s: number;
  /** HOPs of one evaluation. */
  hops: HopCounts;
  /** Galois keys the rotations need. */
  galois_steps: number;
  /** Bytes of the evaluation keys (relinearization and Galois). */
  key_bytes: number;
  /** Bytes of one query ciphertext. */
  query_bytes: number;
  /** Bytes of one response ciphertext. */
  response_bytes: number;
  /** Seconds of key generation. */
  keygen_s: number;
}

interface PackedImages {
  times: number[];
  mismatches: number;
  correct: number;
  maxErr: number;
  hops: HopCounts;
  queryBytes: number;
  responseBytes: number;
}

function evaluateImages(
  ctx: CkksContext,
  keys: ClientKeys<CkksContext>,
  ek: EvaluationKeys,
  net: Network,
  plan: PackedNetworkPlan,
  setup: ReproduceSetup,
): PackedImages {
  const { test, images } = setup;
  const pn = new PackedNetwork(ctx, plan);
  const x = test.ints.subarray(0, images * net.inputSize);
  const want = evaluateFast(net, x, images);
  const out: PackedImages = {
    times: [],
    mismatches: 0,
    correct: 0,
    maxErr: 0,
    hops: null as unknown as HopCounts,
    queryBytes: 0,
    responseBytes: 0,
  };
  try {
    for (let q = 0; q < images; q++) {
      const ct = encryptPackedImage(
        keys,
        x.subarray(q * net.inputSize, (q + 1) * net.inputSize),
        plan.inputUnit,
        plan.stages[0].period,
      );
      out.queryBytes = ct.saveToArray(ctx.seal.ComprModeType.none).length;
      const t = performance.now();
      const r = pn.evaluate(ct, ek.galois[0]!, ek.relin[0]!);
      out.times.push(performance.now() - t);
      out.responseBytes = r.result.saveToArray(ctx.seal.ComprModeType.none).length;
      out.hops = r.hops;
      const got = decryptPacked(keys, r.result, net.outputSize, plan.outputFactor);
      ct.delete();
      r.result.delete();
      const exact = want[q].map((v) => Number(v) * 2 ** -net.outputScale);
      got.forEach((v, k) => (out.maxErr = Math.max(out.maxErr, Math.abs(v - exact[k]))));
      const p = got.indexOf(Math.max(...got));
      if (p !== argmax(want[q])) out.mismatches++;
      if (p === test.y[q]) out.correct++;
    }
  } finally {
    pn.delete();
  }
  return out;
}

/**
 * Measures the packed CKKS plan on `setup.images` test images of `model`, or returns null (and
 * says so) when the network has no packed plan at ring degree 4096.
 *
 * @example
 * ```ts
 * import { getMnistVariant, loadQuantizedMnist } from "../mod.ts";
 * import { measurePackedRow } from "./packed_row.ts";
 * const test = await loadQuantizedMnist("test", 10);
 * const { model } = await getMnistVariant("faster-relu-aq");
 * const row = await measurePackedRow(model, "faster-relu-aq", {
 *   test, images: 3, latencyImages: 0, baselinePolyMaxS: 0, workers: 1, log: console.error,
 * });
 * console.log(row?.max_abs_error);
 * ```
 */
export async function measurePackedRow(
  model: QuantizedModel,
  baseVariant: string,
  setup: ReproduceSetup,
): Promise<PackedRow | null> {
  const { images, log } = setup;
  log(`\n== ${baseVariant} (packed, CKKS)`);
  const net = compileModel(model);
  const plan = packedNetworkPlan(net, 4096, 11);
  if (!plan) {
    log("no packed plan for this network");
    return null;
  }
  const params = packedNetworkParams(plan.levels);
  using ctx = await CkksContext.create(params);
  const t = performance.now();
  using keys = ClientKeys.generate(ctx, { relin: true, galoisSteps: plan.galoisSteps });
  const keygen = (performance.now() - t) / 1000;
  using ek = EvaluationKeys.load(ctx, keys.evaluationKeys);
  const keyBytes = keys.evaluationKeys[0].relin!.length + keys.evaluationKeys[0].galois!.length;
  const m = evaluateImages(ctx, keys, ek, net, plan, setup);
  const row: PackedRow = {
    name: `${baseVariant} (packed)`,
    base_variant: baseVariant,
    params: ckksPresetName(params),
    encrypted_images: images,
    argmax_mismatches: m.mismatches,
    encrypted_accuracy: m.correct / images,
    max_abs_error: m.maxErr,
    latency_s: median(m.times.slice(1).length ? m.times.slice(1) : m.times) / 1000,
    hops: m.hops,
    galois_steps: plan.galoisSteps.length,
    key_bytes: keyBytes,
    query_bytes: m.queryBytes,
    response_bytes: m.responseBytes,
    keygen_s: keygen,
  };
  log(
    `packed: ${row.params}, ${
      row.latency_s.toFixed(2)
    } s per image (median, after the first), ${m.mismatches} arg-max differences / ${images}, max |error| ${
      m.maxErr.toExponential(2)
    }, keys ${formatBytes(keyBytes)}`,
  );
  return row;
}
