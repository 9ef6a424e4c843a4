/**
 * `deno task demo [--json] [--retrain] [--singles 5] [--model models/head/uci_digits.json]`
 *
 * The whole product on one machine, with embedded defaults: the committed public extractor, a
 * DP-SGD head trained on the private UCI digits (or the trained one, when present), the edge
 * function started on a free loopback port (with the demo's own bearer token), and the real
 * client classifying the private test split through HTTP: one encrypted SIMD batch of all 500
 * test digits, plus a handful of single encrypted queries with the paper's poly encoding, the
 * exact packed plan (BFV) and the approximate one (CKKS). Prints plaintext vs encrypted accuracy (exact plans must agree on every
 * sample), the privacy guarantee, latency, sizes and HOPs; `--json` ends with one JSON object.
 *
 * @module
 */
import { parseCli, usageExit } from "./cli/usage.ts";
import { issueToken, startServer } from "../lib/server/mod.ts";
import { HeadClient } from "../lib/client/mod.ts";
import { loadUciDigits } from "../lib/datasets/mod.ts";
import { loadExtractor, quantizeFeatures } from "../lib/feature-extractor/mod.ts";
import { argmax, evaluatePlain, formatHopsTable } from "../lib/he-head/mod.ts";
import { compileModel, readModel } from "../lib/model/mod.ts";
import { formatBytes, formatTable, quantile } from "../lib/report/mod.ts";

const USAGE =
  "usage: deno task demo [--json] [--retrain] [--singles 5] [--model models/head/uci_digits.json]";
const { values: a } = parseCli(USAGE, {
  options: {
    json: { type: "boolean", default: false },
    retrain: { type: "boolean", default: false },
    singles: { type: "string", default: "5" },
    model: { type: "string", default: "models/head/uci_digits.json" },
  },
});
const singles = Number(a.singles);
if (!Number.isInteger(singles) || singles < 1 || singles > 500) {
  usageExit(USAGE, `--singles: expected an integer in [1, 500], received ${a.singles}`);
}
const log = (s: string) => console.error(s);
const step = (s: string) => log(`\n== ${s}`);
const t0 = performance.now();

step("1/5 public feature extractor (client side, plaintext)");
const extractor = await loadExtractor();
log(
  `extractor ${extractor.name} (${extractor.id.slice(0, 19)}...), ${extractor.featureDim} features`,
);

step("2/5 DP head trained on the private UCI digits");
const exists = await Deno.stat(a.model!).then(() => true, () => false);
let model = exists ? await readModel(a.model!) : null;
if (model && model.metadata?.extractor?.id !== extractor.id) {
  log(`the trained head at ${a.model} was made for another extractor: training again`);
  model = null;
}
if (model && !a.retrain) {
  log(`reusing the trained head ${a.model} (pass --retrain to train it again)`);
} else {
  const train = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-all",
      "scripts/train.ts",
      "--dataset",
      "uci-digits",
      "--target-epsilon",
      "3",
      "--delta",
      "1e-5",
      "--out",
      a.model!,
    ],
    cwd: new URL("../", import.meta.url),
    stdout: "null",
    stderr: "inherit",
  });
  const { success } = await train.output();
  if (!success) throw new Error("training the DP head failed (see above)");
  model = await readModel(a.model!);
}
const net = compileModel(model!);
const privacy = model!.metadata?.privacy;
log(`head: ${net.layers.map((l) => `${l.name} [${l.outShape}]`).join(" -> ")}`);
log(
  `privacy: ${
    privacy ? `(eps = ${privacy.epsilon.toFixed(2)}, delta = ${privacy.delta})` : "none recorded"
  }`,
);

step("3/5 private test split: features and the plaintext integer head");
const { test } = await loadUciDigits();
const features = quantizeFeatures(extractor.extract(test.x, test.count), model!.input);
extractor.dispose();
const plainLogits = evaluatePlain(net, features, test.count);
const plainPred = Int32Array.from(plainLogits, argmax);
const plainAccuracy = plainPred.filter((p, i) => p === test.y[i]).length / test.count;
log(
  `plaintext integer head: ${
    (100 * plainAccuracy).toFixed(1)
  }% on ${test.count} private test digits`,
);

step("4/5 edge function on loopback");
const dir = await Deno.makeTempDir();
// The demo's own bearer token, in the server's KV (its quota leaves room: the demo asks ~510).
const token = await issueToken(`${dir}/keys.kv`, "demo", {
  requests_per_minute: 600,
  queries_per_day: 10_000,
});
const server = await startServer({
  FCN_MODEL: a.model!,
  FCN_KV: `${dir}/keys.kv`,
  FCN_TIMEOUT_MS: "600000",
});
log(`serving at ${server.base}`);

const width = net.inputSize;
const row = (i: number) => Array.from(features.subarray(i * width, (i + 1) * width));
try {
  step("5/5 encrypted classification through HTTP");
  const client = await HeadClient.connect(server.base, { token });
  client.checkExtractor(extractor.id);
  const plans = client.description.plans;

  // One SIMD batch with every test digit.
  const simd = await client.session("simd");
  log(
    `simd: keys registered (${
      formatBytes(simd.keyBytes)
    }); sending ${test.count} encrypted queries in one batch`,
  );
  const batch = await simd.classify(features, test.count);
  simd.close();
  let mismatches = 0;
  batch.logits!.forEach((l, i) => {
    if (l.some((v, j) => v !== plainLogits[i][j])) mismatches++;
  });
  const encryptedAccuracy = batch.predictions.filter((p, i) => p === test.y[i]).length / test.count;
  log(
    `simd batch: ${
      (100 * encryptedAccuracy).toFixed(1)
    }% encrypted, ${mismatches} logit mismatches with the plaintext head`,
  );

  // A handful of single queries: the paper's encoding, exact packed (BFV), approximate (CKKS).
  const singleRuns: Record<
    string,
    { ms: number[]; server: number[]; query: number; response: number; keys: number; agree: number }
  > = {};
  for (const encoding of ["poly", "bfv-packed", "packed"]) {
    if (!plans.some((p) => p.encoding === encoding)) continue;
    const s = await client.session(encoding);
    const r = {
      ms: [] as number[],
      server: [] as number[],
      query: 0,
      response: 0,
      keys: s.keyBytes,
      agree: 0,
    };
    for (let q = 0; q < singles; q++) {
      const i = (q * 97) % test.count;
      const c = await s.classify(row(i), 1);
      const st = c.requests[0];
      r.ms.push(st.encrypt_ms + st.request_ms + st.decrypt_ms);
      r.server.push(st.server_ms);
      r.query = st.query_bytes;
      r.response = st.response_bytes;
      if (c.exact) {
        if (c.logits![0].some((v, j) => v !== plainLogits[i][j])) mismatches++;
      }
      if (c.predictions[0] === plainPred[i]) r.agree++;
      log(
        `  ${encoding} query ${q + 1}/${singles}: digit ${test.y[i]}, predicted ${
          c.predictions[0]
        } in ${r.ms[r.ms.length - 1].toFixed(0)} ms`,
      );
    }
    s.close();
    singleRuns[encoding] = r;
  }

  const singleName = ["bfv-packed", "packed", "poly"].find((e) => singleRuns[e])!;
  const single = singleRuns[singleName];
  const result = {
    plaintext_accuracy: plainAccuracy,
    encrypted_accuracy: encryptedAccuracy,
    mismatches,
    epsilon: privacy?.epsilon ?? null,
    delta: privacy?.delta ?? null,
    test_samples: test.count,
    single_query_plan: singleName,
    single_query_ms_p50: quantile(single.ms, 0.5),
    single_query_ms_p95: quantile(single.ms, 0.95),
    single_query_server_ms_p50: quantile(single.server, 0.5),
    poly_single_query_ms_p50: singleRuns.poly ? quantile(singleRuns.poly.ms, 0.5) : null,
    poly_single_query_ms_p95: singleRuns.poly ? quantile(singleRuns.poly.ms, 0.95) : null,
    packed_argmax_agreement: singleRuns.packed ? singleRuns.packed.agree / singles : null,
    ckks_packed_single_query_ms_p50: singleRuns.packed ? quantile(singleRuns.packed.ms, 0.5) : null,
    batch_ms: batch.requests[0].encrypt_ms + batch.requests[0].request_ms +
      batch.requests[0].decrypt_ms,
    batch_server_ms: batch.requests[0].server_ms,
    batch_queries: test.count,
    query_bytes: single.query,
    response_bytes: single.response,
    key_bytes: single.keys,
    poly_query_bytes: singleRuns.poly?.query ?? null,
    poly_response_bytes: singleRuns.poly?.response ?? null,
    poly_key_bytes: singleRuns.poly?.keys ?? null,
    batch_query_bytes: batch.requests[0].query_bytes,
    batch_response_bytes: batch.requests[0].response_bytes,
    batch_key_bytes: simd.keyBytes,
    total_s: (performance.now() - t0) / 1000,
  };

  log("\nResults (private UCI test split)");
  log(formatTable([
    ["", "value"],
    ["plaintext integer head accuracy", `${(100 * plainAccuracy).toFixed(1)}%`],
    ["encrypted accuracy (simd batch)", `${(100 * encryptedAccuracy).toFixed(1)}%`],
    ["encrypted vs plaintext mismatches", String(mismatches)],
    ["privacy", privacy ? `eps ${privacy.epsilon.toFixed(2)}, delta ${privacy.delta}` : "none"],
    ...Object.entries(singleRuns).map(([k, r]) => [
      `single query, ${k} (p50 / p95, client)`,
      `${quantile(r.ms, 0.5).toFixed(0)} / ${quantile(r.ms, 0.95).toFixed(0)} ms (server ${
        quantile(r.server, 0.5).toFixed(0)
      } ms)`,
    ]),
    ...Object.entries(singleRuns).map(([k, r]) => [
      `${k}: query / response / keys`,
      `${formatBytes(r.query)} / ${formatBytes(r.response)} / ${formatBytes(r.keys)}`,
    ]),
    [
      `batch of ${test.count} (simd)`,
      `${result.batch_ms.toFixed(0)} ms (server ${result.batch_server_ms.toFixed(0)} ms)`,
    ],
    [
      "simd: query / response / keys",
      `${formatBytes(result.batch_query_bytes)} / ${formatBytes(result.batch_response_bytes)} / ${
        formatBytes(simd.keyBytes)
      }`,
    ],
  ]));
  const poly = plans.find((p) => p.encoding === "poly")!;
  log(
    `\nHOPs per layer, poly plan ${poly.name} (per plaintext modulus):\n${
      formatHopsTable(poly.hops)
    }`,
  );
  log(`\ndone in ${result.total_s.toFixed(0)} s`);
  if (a.json) console.log(JSON.stringify(result));
} finally {
  await server.stop();
  await Deno.remove(dir, { recursive: true });
}
