/**
 * `deno task fashion-mnist:width --data DIR [--widths 16,32,64,128,256] [--train-per-class 300]
 *  [--test-per-class 100] [--bits 6] [--results results/fashion_mnist] [--json]`
 *
 * The accuracy cost of the head's input width on Fashion-MNIST: ScatterNet features of a subset
 * of the exported folders, a public PCA (2000 MNIST digits) to each width and no reduction at all
 * (3969), a non-private integer head each (the same settings as `deno task fashion-mnist`).
 * Writes `width_cost.json` and a table to stderr.
 *
 * @module
 */
import { initTf } from "../lib/tfjs/runtime.ts";
import { formatTable, ProgressBar } from "../lib/report/mod.ts";
import { widthCost } from "../experiments/fashion/mod.ts";
import { parseCli, usageExit } from "./cli/usage.ts";

const USAGE = `usage: deno task fashion-mnist:width --data DIR [options]
  --data DIR               folder written by deno task export:fashion-mnist
  --widths K,K,...         PCA widths (default 16,32,64,128,256); 3969 (no reduction) is added
  --train-per-class N      training images per class (default 300)
  --test-per-class N       test images per class (default 100)
  --bits B                 bits of the signed quantized inputs (default 6)
  --epochs N               passes over the data (default 20)
  --results DIR            where width_cost.json goes (default results/fashion_mnist)
  --json                   the rows as the last stdout line`;

const { values: v } = parseCli(USAGE, {
  options: {
    data: { type: "string" },
    widths: { type: "string", default: "16,32,64,128,256" },
    "train-per-class": { type: "string", default: "300" },
    "test-per-class": { type: "string", default: "100" },
    bits: { type: "string", default: "6" },
    epochs: { type: "string", default: "20" },
    results: { type: "string", default: "results/fashion_mnist" },
    json: { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});
const int = (name: string, s: string, min: number, max: number) => {
  const n = Number(s);
  if (!Number.isInteger(n) || n < min || n > max) {
    usageExit(
      USAGE,
      `--${name}: expected an integer in [${min}, ${max}], received ${JSON.stringify(s)}`,
    );
  }
  return n;
};
if (v.data === undefined) {
  usageExit(USAGE, "--data: expected the exported folder, received nothing");
}
const widths = v.widths.split(",").map((w) => int("widths", w, 1, 3968));
await initTf();
const bar = new ProgressBar(1, "width cost", !v.json);
const rows = await widthCost({
  data: v.data,
  widths,
  trainPerClass: int("train-per-class", v["train-per-class"], 1, 6000),
  testPerClass: int("test-per-class", v["test-per-class"], 1, 1000),
  publicPerClass: 200,
  bits: int("bits", v.bits, 2, 16),
  head: {
    hidden: [],
    epochs: int("epochs", v.epochs, 1, 1000),
    batchSize: 256,
    clipNorm: 1,
    learningRate: 0.01,
    sparsity: 0,
    delta: 1e-5,
  },
  onProgress: (done, total, phase) => {
    bar.total = total;
    bar.update(done, phase);
  },
});
bar.done();
console.error(
  formatTable([["width", "integer head %"], ...rows.map((r) => [r.width, r.accuracy * 100])]),
);
const report = { command: ["deno task fashion-mnist:width", ...Deno.args].join(" "), rows };
await Deno.mkdir(v.results, { recursive: true });
await Deno.writeTextFile(`${v.results}/width_cost.json`, JSON.stringify(report, null, 2) + "\n");
if (v.json) console.log(JSON.stringify(report));
