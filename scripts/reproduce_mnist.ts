/**
 * `deno task reproduce:mnist [--images 100] [--latency-images 3] [--baseline-poly-max-s 400]
 *  [--variants a,b] [--quick] [--retrain] [--workers 2] [--out results/mnist] [--json]
 *  [--packed-only]`
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
 * `--packed-only` measures the packed row alone, before (one Galois key per rotation amount)
 * and after (within the 24 MB key budget) on the same images in one run, and writes
 * `packed_keys.md`, `.json` and `.svg` to `--out` (the other results stay as they are).
 *
 * The measurements and the report are `experiments/mnist/reproduce/`; this script only reads
 * the options and runs the rows in order.
 *
 * @module
 */
import { parseCli, usageExit } from "./cli/usage.ts";
import {
  getMnistVariant,
  loadQuantizedMnist,
  logPackedKeys,
  logSummary,
  measurePackedKeys,
  measurePackedRow,
  measureVariant,
  type QuantizedModel,
  type ReproduceSetup,
  reproductionResult,
  resultJson,
  VARIANT_NAMES,
  type VariantReport,
  writePackedKeys,
  writeReport,
} from "../experiments/mnist/mod.ts";

const USAGE = `deno task reproduce:mnist [options]

Trains (or loads from models/mnist/) the four MNIST variants and measures them encrypted.

  --images N               encrypted test images per variant, one SIMD batch (default 100)
  --latency-images N       poly-encoded single images per Faster variant (default 3)
  --baseline-poly-max-s S  run a baseline's poly image only if expected within S s (default 400)
  --variants a,b           variants to run (default all: ${VARIANT_NAMES.join(", ")})
  --quick                  smoke mode: faster-relu-aq trained quickly on a subset, not stored
  --retrain                train even when a model is stored
  --workers N              worker threads for the plaintext moduli (default: cores)
  --out DIR                where table.md, results.json and the charts go (default results/mnist)
  --packed-only            only the packed row, before and after the key budget (packed_keys.*)
  --json                   print the results as the last line of stdout`;

const { values: a } = parseCli(USAGE, {
  options: {
    images: { type: "string", default: "100" },
    "latency-images": { type: "string", default: "3" },
    "baseline-poly-max-s": { type: "string", default: "400" },
    variants: { type: "string" },
    quick: { type: "boolean", default: false },
    retrain: { type: "boolean", default: false },
    workers: { type: "string", default: String(navigator.hardwareConcurrency || 2) },
    out: { type: "string", default: "results/mnist" },
    "packed-only": { type: "boolean", default: false },
    json: { type: "boolean", default: false },
  },
});
const int = (name: string, v: string | undefined, lo: number, hi: number) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < lo || n > hi) {
    usageExit(USAGE, `--${name}: expected an integer in [${lo}, ${hi}], received ${v}`);
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

log(
  `MNIST reproduction: ${
    names.join(", ")
  }; ${images} encrypted test images per variant; ${workers} workers`,
);
const setup: ReproduceSetup = {
  test: await loadQuantizedMnist("test"),
  images,
  latencyImages,
  baselinePolyMaxS,
  workers,
  log,
};
if (a["packed-only"]) {
  const base = names.find((n) => n.startsWith("faster")) ?? "faster-relu-aq";
  const r = await getMnistVariant(base, { quick: a.quick, retrain: a.retrain });
  const keys = await measurePackedKeys(r.model, base, setup);
  if (!keys) Deno.exit(1);
  logPackedKeys(keys, log);
  const command = `deno task reproduce:mnist --packed-only --images ${images}`;
  await writePackedKeys(a.out, keys, command);
  log(`wrote ${a.out}/packed_keys.md, packed_keys.json, packed_keys.svg`);
  if (a.json) {
    console.log(JSON.stringify({
      ...keys,
      packed_key_bytes: keys.after.key_bytes,
      packed_latency_s: keys.after.latency_s,
    }));
  }
  Deno.exit(keys.keys_met ? 0 : 1);
}
const reports: VariantReport[] = [];
const models = new Map<string, QuantizedModel>();
for (const name of names) {
  log(`\n== ${name}`);
  const r = await getMnistVariant(name, { quick: a.quick, retrain: a.retrain });
  models.set(name, r.model);
  log(
    `model ${r.cached ? "loaded from models/mnist" : "trained"}; float accuracy ${
      (100 * r.floatAccuracy).toFixed(2)
    }%`,
  );
  reports.push(await measureVariant(r, setup));
}

// The packed plan (issue 7) on the full network: one CKKS ciphertext per image.
const packedBase = ["faster-relu-aq", "faster-swish-aq"].find((n) => models.has(n));
const packed = packedBase
  ? await measurePackedRow(models.get(packedBase)!, packedBase, setup)
  : null;

const run = { latencyImages, baselinePolyMaxS, workers };
const result = reproductionResult(reports, packed, {
  images,
  quick: a.quick,
  totalS: (performance.now() - t0) / 1000,
});
logSummary(result, run, log);
await writeReport(a.out, result, run);
log(
  `\nwrote ${a.out}/table.md, results.json, hops_per_layer.svg, latency.svg (${
    (result.total_s / 60).toFixed(1)
  } min)`,
);
if (a.json) console.log(resultJson(result));
const inexact = reports.filter((r) => r.encrypted_mismatches > 0 || r.poly_mismatches > 0);
if (inexact.length > 0) {
  log(`encrypted results differ from the integer reference: ${inexact.map((r) => r.name)}`);
  Deno.exit(1);
}
