/**
 * `deno task classify --server URL [--token fcn_...] (--image FILE... | --dataset uci-digits
 *  --count N) [--plan auto|poly|simd|packed] [--json]`
 *
 * The client as a command: runs the public extractor on the images (PNG, JPEG, PGM or JSON; any
 * size, grey or colour; for a head trained with `--extractor`, the extractor, preprocessing and
 * public reduction its model states, by `imageFeaturesFor`; otherwise reduced to the 8 x 8 UCI
 * format as `deno task train --data` does) or on the first N private test digits, checks that
 * the server's head expects this extractor (by content id), quantizes the features with the server's spec, encrypts them under
 * the chosen plan (auto: the planner's fastest for this many queries), and decrypts the answer.
 * Prints the top classes per query; `--json` ends with one JSON object. The bearer token comes
 * from `--token` or the environment variable `FCN_TOKEN` (see `deno task token create`).
 *
 * @module
 */
import { parseCli, usageExit } from "./cli/usage.ts";
import { HeadClient, imageFeaturesFor, readDigitImage } from "../lib/client/mod.ts";
import { TOKEN_ENV } from "../lib/protocol/mod.ts";
import { decodeImage, loadUciDigits } from "../lib/datasets/mod.ts";
import { loadExtractor, quantizeFeatures } from "../lib/feature-extractor/mod.ts";
import { formatBytes, formatTable } from "../lib/report/mod.ts";

const usage = "usage: deno task classify --server URL [--token fcn_...] " +
  "(--image FILE... | --dataset uci-digits --count N) [--plan auto|poly|simd|packed] [--json]\n" +
  "  [--extractor PATH|URL]  where the model's extractor is (default: the path the model names;\n" +
  "                          refused unless its content id is the model's)\n" +
  `the token defaults to ${TOKEN_ENV}`;
const { values: a, positionals } = parseCli(usage, {
  allowPositionals: true,
  options: {
    server: { type: "string" },
    token: { type: "string" },
    image: { type: "string", multiple: true },
    dataset: { type: "string" },
    count: { type: "string", default: "10" },
    plan: { type: "string", default: "auto" },
    extractor: { type: "string" },
    json: { type: "boolean", default: false },
  },
});
if (!a.server) {
  usageExit(usage, "--server: expected the function's URL, received nothing");
}
// `--image a.png b.png` as well as `--image a.png --image b.png`.
const imageFiles = [...(a.image ?? []), ...positionals];
if (positionals.length && !a.image?.length) {
  usageExit(usage, `unexpected arguments ${positionals.join(" ")}`);
}
if (!imageFiles.length && !a.dataset) {
  usageExit(usage, "expected --image FILE... or --dataset uci-digits");
}
if (a.dataset && a.dataset !== "uci-digits") {
  usageExit(usage, `--dataset: expected "uci-digits", received ${JSON.stringify(a.dataset)}`);
}
const count = Number(a.count);
if (a.dataset && (!Number.isInteger(count) || count < 1 || count > 500)) {
  usageExit(usage, `--count: expected an integer in [1, 500], received ${a.count}`);
}

const token = a.token ?? (Deno.env.get(TOKEN_ENV) || undefined);
const client = await HeadClient.connect(a.server, { token });
let raw: Float32Array | null = null, labels: (number | null)[], names: string[];
let features: Int32Array | null = null;
const fail = (e: Error): never => {
  console.error(`error: ${e.message}`);
  Deno.exit(1);
};
if (imageFiles.length && !imageFiles.some((f) => /\.json$/i.test(f))) {
  // PNG, JPEG and PGM: the model's own preprocessing (lib/client imageFeaturesFor), the same
  // function `deno task train --data` trained with.
  const images = await Promise.all(
    imageFiles.map(async (path) => decodeImage(path, await Deno.readFile(path))),
  ).catch(fail);
  features = await imageFeaturesFor(client.description, images, a.extractor).catch(fail);
  labels = images.map(() => null);
  names = imageFiles;
} else if (imageFiles.length) {
  const images = await Promise.all(imageFiles.map(readDigitImage)).catch(fail);
  raw = new Float32Array(64 * images.length);
  images.forEach((im, i) => raw!.set(im, 64 * i));
  labels = images.map(() => null);
  names = imageFiles;
} else {
  const { test } = await loadUciDigits();
  raw = test.x.slice(0, 64 * count);
  labels = Array.from(test.y.slice(0, count));
  names = labels.map((_, i) => `uci-digits/test[${i}]`);
}
const n = names.length;

if (features === null) {
  const extractor = await loadExtractor();
  client.checkExtractor(extractor.id);
  features = quantizeFeatures(extractor.extract(raw!, n), client.description.input);
  extractor.dispose();
}

const planName = a.plan === "auto" ? client.choosePlan(n).plan : client.plan(a.plan).name;
console.error(
  `plan ${planName} for ${n} quer${n === 1 ? "y" : "ies"}; generating and registering keys...`,
);
using session = await client.session(planName);
const r = await session.classify(features, n);

const classes = client.description.classes;
const top = (p: number[]) =>
  p.map((v, i) => [i, v] as const).sort((x, y) => y[1] - x[1]).slice(0, 3).map(([i, v]) =>
    `${classes[i]} ${(100 * v).toFixed(1)}%`
  );
console.error(formatTable([
  ["query", "label", "predicted", "top 3"],
  ...names.map((
    name,
    i,
  ) => [
    name,
    labels[i] === null ? "-" : classes[labels[i]!],
    classes[r.predictions[i]],
    top(r.probabilities[i]).join(", "),
  ]),
]));
const known = labels.filter((l) => l !== null).length;
const correct = labels.filter((l, i) => l !== null && l === r.predictions[i]).length;
const q = r.requests;
console.error(
  `${q.length} request(s): query ${
    formatBytes(q.reduce((s, x) => s + x.query_bytes, 0))
  }, response ${formatBytes(q.reduce((s, x) => s + x.response_bytes, 0))}, keys ${
    formatBytes(session.keyBytes)
  }, server ${q.reduce((s, x) => s + x.server_ms, 0).toFixed(0)} ms` +
    (known ? `; accuracy ${correct}/${known}` : ""),
);
if (a.json) {
  console.log(JSON.stringify({
    plan: planName,
    exact: r.exact,
    queries: n,
    predictions: Array.from(r.predictions, (p) => classes[p]),
    labels,
    probabilities: r.probabilities,
    accuracy: known ? correct / known : null,
    requests: q,
    key_bytes: session.keyBytes,
  }));
}
