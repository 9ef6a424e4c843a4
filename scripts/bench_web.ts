/**
 * `deno task bench:web [--queries N] [--keygens K] [--plans a,b] [--backend wasm|cpu] [--out DIR]
 *  [--json]`
 *
 * Browser-side timings of the web page, measured in Debian's headless Chromium against the
 * function on loopback (auth on, a fresh token): for each plan the server offers, key generation
 * + registration (median of K fresh key sets, IndexedDB cleared each time) and the single-query
 * end to end, draw -> probabilities (median over N drawn private UCI test digits, keys
 * registered), stage by stage: extract (TensorFlow.js's `--backend`, default wasm), encrypt,
 * upload + server (with the server's own evaluation time, the floor of that stage), decrypt. Writes a screenshot of the page with a
 * result (`page.png`) and a chart of the stages (`stages.svg`) into `--out` (default
 * `results/web`). Table on stderr; `--json` prints one JSON object as the last stdout line.
 *
 * @module
 */
import { parseCli, usageExit } from "./cli/usage.ts";
import { loadUciDigits } from "../lib/datasets/mod.ts";
import { barChartSvg, formatBytes, formatTable, median, ProgressBar } from "../lib/report/mod.ts";
import { issueToken, startServer } from "../lib/server/mod.ts";
import { isFailure, launchChromium, type PageResult, WebPage } from "./bench/web_page.ts";

const USAGE = "usage: deno task bench:web [--queries N] [--keygens K] [--plans a,b] " +
  "[--backend wasm|cpu] [--out DIR] [--json]";
const { values: a } = parseCli(USAGE, {
  options: {
    queries: { type: "string", default: "20" },
    keygens: { type: "string", default: "3" },
    plans: { type: "string" },
    backend: { type: "string", default: "wasm" },
    out: { type: "string", default: "results/web" },
    json: { type: "boolean", default: false },
  },
});
const queries = Number(a.queries), keygens = Number(a.keygens);
if (!Number.isInteger(queries) || queries < 1 || queries > 500) {
  usageExit(USAGE, `--queries: expected an integer in [1, 500], received ${a.queries}`);
}
if (!Number.isInteger(keygens) || keygens < 1 || keygens > 50) {
  usageExit(USAGE, `--keygens: expected an integer in [1, 50], received ${a.keygens}`);
}

/** A handwritten "2" (pad coordinates in [0, 1]), for the screenshot. */
const TWO: [number, number][] = [
  [0.3, 0.32],
  [0.38, 0.2],
  [0.52, 0.15],
  [0.66, 0.2],
  [0.7, 0.33],
  [0.62, 0.48],
  [0.47, 0.63],
  [0.32, 0.8],
  [0.5, 0.8],
  [0.74, 0.8],
];

if (a.backend !== "wasm" && a.backend !== "cpu") {
  usageExit(USAGE, `--backend: expected wasm or cpu, received ${a.backend}`);
}

/** A quota that never binds: every fresh key set of every plan is one more stored set. */
const QUOTA = {
  requests_per_minute: 100_000,
  queries_per_day: 1_000_000,
  key_sets: 1_000,
  key_bytes: 1e12,
};

const STAGES = ["extract", "encrypt", "upload_server", "server", "decrypt", "total"] as const;

/** Medians of one plan. */
interface PlanTimes {
  plan: string;
  planner_choice: boolean;
  exact: boolean;
  keygen_ms: number;
  register_ms: number;
  keygen_register_ms: number;
  key_bytes: number;
  e2e: Record<(typeof STAGES)[number], number>;
  query_bytes: number;
  response_bytes: number;
  queries: number;
}

const dir = await Deno.makeTempDir();
const kvPath = `${dir}/keys.kv`;
const token = await issueToken(kvPath, "bench-web", QUOTA);
const server = await startServer({ FCN_KV: kvPath });
const chromium = await launchChromium();
const { test } = await loadUciDigits();
const digit = (i: number) => test.x.subarray(64 * (i % test.count), 64 * (i % test.count + 1));

async function run(page: WebPage): Promise<PageResult> {
  const r = await page.classify();
  if (isFailure(r)) {
    throw new Error(`the page failed: ${r.code}: ${r.text}\n${page.log.join("\n")}`);
  }
  return r;
}

async function measure(page: WebPage, plan: string, auto: string, bar: ProgressBar) {
  await page.choosePlan(plan);
  const keys: PageResult[] = [];
  for (let k = 0; k < keygens; k++) {
    await page.page.click("#forget");
    await page.settled();
    await page.draw(digit(k));
    keys.push(await run(page));
    bar.update(bar.total - remaining--, plan);
  }
  const runs: PageResult[] = [];
  for (let q = 0; q < queries; q++) {
    await page.draw(digit(100 + q));
    runs.push(await run(page));
    bar.update(bar.total - remaining--, plan);
  }
  const med = (f: (r: PageResult) => number, rs = runs) => median(rs.map(f));
  return {
    plan,
    planner_choice: plan === auto,
    exact: runs[0].exact,
    keygen_ms: med((r) => r.times.keygen, keys),
    register_ms: med((r) => r.times.register, keys),
    keygen_register_ms: med((r) => r.times.keygen + r.times.register, keys),
    key_bytes: keys[0].bytes.keys,
    e2e: Object.fromEntries(STAGES.map((s) => [s, med((r) => r.times[s])])) as PlanTimes["e2e"],
    query_bytes: med((r) => r.bytes.sent),
    response_bytes: med((r) => r.bytes.received),
    queries,
  } satisfies PlanTimes;
}

let remaining = 0;
const results: PlanTimes[] = [];
const sizes: Record<string, number> = {};
try {
  const page = await WebPage.open(chromium.browser, `${server.base}/?backend=${a.backend}`);
  await page.setToken(token);
  const offered = (await page.plans()).slice(1);
  const auto = (await page.page.$eval("#plan option", (o) => o.textContent ?? ""))
    .match(/\(([^)]+)\)/)?.[1] ?? "";
  const plans = a.plans ? a.plans.split(",") : offered;
  const unknown = plans.filter((p) => !offered.includes(p));
  if (unknown.length) usageExit(USAGE, `--plans: ${unknown} not offered (${offered})`);
  remaining = plans.length * (keygens + queries);
  const bar = new ProgressBar(remaining, "bench:web");
  for (const plan of plans) results.push(await measure(page, plan, auto, bar));
  bar.done();
  // The screenshot: the planner's plan, a "2" drawn with the mouse, fresh keys.
  await Deno.mkdir(a.out, { recursive: true });
  await page.choosePlan("");
  await page.page.click("#forget");
  await page.settled();
  await page.stroke([TWO]);
  await run(page);
  await page.page.screenshot({ path: `${a.out}/page.png`, fullPage: true });
  for (const f of ["app.js", "seal_throws.wasm", "tfjs-backend-wasm-simd.wasm"]) {
    sizes[f] = (await Deno.stat(`web/dist/${f}`)).size;
  }
  sizes.extractor = (await Deno.stat("models/extractor/model.json")).size +
    (await Deno.stat("models/extractor/weights.bin")).size;
} finally {
  await chromium.close();
  await server.stop();
  await Deno.remove(dir, { recursive: true });
}

const ms = (v: number) => v.toFixed(v < 10 ? 1 : 0);
console.error(formatTable([
  [
    "plan",
    "keygen+reg ms",
    "(keygen",
    "reg)",
    "keys",
    "e2e ms",
    "extract",
    "encrypt",
    "up+server",
    "(server)",
    "decrypt",
    "sent",
    "recv",
  ],
  ...results.map((r) => [
    `${r.plan}${r.planner_choice ? " *" : ""}`,
    ms(r.keygen_register_ms),
    ms(r.keygen_ms),
    ms(r.register_ms),
    formatBytes(r.key_bytes),
    ms(r.e2e.total),
    ms(r.e2e.extract),
    ms(r.e2e.encrypt),
    ms(r.e2e.upload_server),
    ms(r.e2e.server),
    ms(r.e2e.decrypt),
    formatBytes(r.query_bytes),
    formatBytes(r.response_bytes),
  ]),
]));
console.error(
  `* the planner's single-query plan. Medians: keys over ${keygens} fresh sets, e2e over ` +
    `${queries} drawn digits (draw -> probabilities, keys registered). The floor of ` +
    `"up+server" is the server's own evaluation, "(server)". Bundle: ` +
    Object.entries(sizes).map(([k, v]) => `${k} ${formatBytes(v)}`).join(", "),
);
await Deno.writeTextFile(
  `${a.out}/stages.svg`,
  barChartSvg({
    title: `Web page, single query end to end in Chromium (median of ${queries})`,
    yLabel: "ms",
    groups: results.map((r) => r.plan.replace(/_/g, " ")),
    series: [
      { label: "extract", values: results.map((r) => r.e2e.extract), color: "#8aa4cc" },
      { label: "encrypt", values: results.map((r) => r.e2e.encrypt), color: "#1f5fbf" },
      { label: "server", values: results.map((r) => r.e2e.server), color: "#d08a2c" },
      {
        label: "upload + server",
        values: results.map((r) => r.e2e.upload_server),
        color: "#e3b77a",
      },
      { label: "decrypt", values: results.map((r) => r.e2e.decrypt), color: "#5a9e6f" },
      { label: "total", values: results.map((r) => r.e2e.total), color: "#444" },
    ],
    logY: true,
  }),
);
if (a.json) {
  console.log(
    JSON.stringify({ plans: results, bundle_bytes: sizes, queries, keygens, backend: a.backend }),
  );
}
