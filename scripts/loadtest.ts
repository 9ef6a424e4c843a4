/**
 * `deno task loadtest [--clients 8] [--seconds 30] [--plan auto|poly|simd|packed|<name>]
 *  [--batch 16] [--workers 1] [--pool 4] [--model models/head/uci_digits.json] [--out DIR] [--json]`
 *
 * Starts the edge function on loopback (its own KV and bearer token) and runs concurrent real
 * clients against it for a bounded time, checking every answer against the exact integer head:
 * requests, errors, mismatches (answers that differ from the integer head: exact plans bit for
 * bit, approximate ones beyond their error bound), arg-max differences, latency percentiles,
 * throughput and each worker's WebAssembly heap before and after (it must stay flat). The plan is
 * the planner's choice for one query (`auto`) unless named.
 *
 * `--workers N` (N > 1) runs the function under `deno serve --parallel` with N workers and, in the
 * same run, first with one worker: it reports both and `throughput_ratio` (N workers over one),
 * with `cpu_cost_ratio` (the server's CPU per request, N workers over one: on a shared machine,
 * where the wall-clock ratio also measures how much CPU the others left, this one does not).
 * Requests are encrypted before the timed window (`--pool` per client, sent in turn), so the
 * figure is the server's. `--plan simd --batch 4096` measures full SIMD batches
 * (`queries_per_s_per_core`, beside `server_bound_queries_per_s_per_core`, the floor set by the
 * server's own evaluation time). `--out DIR` also writes the result as JSON and an SVG chart there
 * (e.g. `results/loadtest/`).
 *
 * @module
 */
import { parseCli, usageExit } from "./cli/usage.ts";
import { compileModel, readModel } from "../lib/model/mod.ts";
import { formatTable } from "../lib/report/mod.ts";
import { type PhaseResult, runPhase } from "./bench/load_phase.ts";
import { writeLoadReport } from "./bench/load_report.ts";
import type { RequestPool } from "./bench/load_requests.ts";

const USAGE =
  "usage: deno task loadtest [--clients 8] [--seconds 30] [--plan auto|poly|simd|packed|<name>] " +
  "[--batch 16] [--workers 1] [--pool 4] [--model models/head/uci_digits.json] [--out DIR] [--json]";
const { values: a } = parseCli(USAGE, {
  options: {
    clients: { type: "string", default: "8" },
    seconds: { type: "string", default: "30" },
    plan: { type: "string", default: "auto" },
    batch: { type: "string", default: "16" },
    workers: { type: "string", default: "1" },
    pool: { type: "string", default: "4" },
    model: { type: "string", default: "models/head/uci_digits.json" },
    out: { type: "string" },
    json: { type: "boolean", default: false },
  },
});
const n = {
  clients: Number(a.clients),
  seconds: Number(a.seconds),
  batch: Number(a.batch),
  workers: Number(a.workers),
  pool: Number(a.pool),
};
const MAX = { clients: 64, seconds: 3600, batch: 8192, workers: 16, pool: 64 };
for (const [name, v] of Object.entries(n) as [keyof typeof MAX, number][]) {
  if (!Number.isInteger(v) || v < 1 || v > MAX[name]) {
    usageExit(USAGE, `--${name}: expected an integer in [1, ${MAX[name]}], received ${a[name]}`);
  }
}
const model = await readModel(a.model).catch((e) => {
  throw new Error(
    `cannot read the head model ${a.model} (run \`deno task demo\` or \`deno task train\` first): ${e.message}`,
  );
});
const net = compileModel(model);

const phases: PhaseResult[] = [];
let pools: RequestPool[] = []; // the same requests in every phase
for (const workers of n.workers > 1 ? [1, n.workers] : [1]) {
  const phase = await runPhase({ ...n, workers, model: a.model, plan: a.plan }, net, pools);
  phases.push(phase.result);
  pools = phase.pools;
}
const last = phases[phases.length - 1];
const first = phases[0];
const result = {
  plan: last.plan,
  clients: n.clients,
  seconds: n.seconds,
  workers: last.workers,
  cpus: navigator.hardwareConcurrency,
  load_average: Deno.loadavg(),
  queries_per_request: last.queries_per_request,
  requests: last.requests,
  // Over every phase: each answer of the run was checked.
  errors: phases.reduce((s, p) => s + p.errors + p.mismatches, 0),
  mismatches: phases.reduce((s, p) => s + p.mismatches, 0),
  argmax_differences: phases.reduce((s, p) => s + p.argmax_differences, 0),
  p50_ms: last.p50_ms,
  p99_ms: last.p99_ms,
  server_p50_ms: last.server_p50_ms,
  requests_per_s: last.requests_per_s,
  queries_per_s: last.queries_per_s,
  queries_per_s_per_core: last.queries_per_s_per_core,
  server_bound_queries_per_s_per_core: last.server_bound_queries_per_s_per_core,
  ...(phases.length > 1 ? { throughput_ratio: last.queries_per_s / first.queries_per_s } : {}),
  // The server's CPU per request with N workers over one worker: near 1 when the workers do not
  // slow each other down, whatever CPU a shared machine hands the process.
  ...(phases.length > 1 && first.server_cpu_ms_per_request && last.server_cpu_ms_per_request
    ? { cpu_cost_ratio: last.server_cpu_ms_per_request / first.server_cpu_ms_per_request }
    : {}),
  heap_bytes_before: last.heap_bytes_before,
  heap_bytes_after: last.heap_bytes_after,
  phases,
};
const cell = (v: unknown) =>
  typeof v === "number" ? (Number.isInteger(v) ? v : Number(v.toFixed(2))) : JSON.stringify(v);
console.error(
  formatTable([
    ["metric", ...phases.map((p) => `${p.workers} worker${p.workers > 1 ? "s" : ""}`)],
    ...(Object.keys(first) as (keyof PhaseResult)[]).map((
      k,
    ) => [k, ...phases.map((p) => cell(p[k]))]),
  ]),
);
if (phases.length > 1) {
  console.error(
    `throughput_ratio (${last.workers} workers / 1, same run): ${
      result.throughput_ratio!.toFixed(2)
    }` +
      ` on ${result.cpus} CPUs, load average ${
        result.load_average.map((x) => x.toFixed(1)).join(" ")
      }; server CPU per request ${last.workers} workers / 1: ${
        result.cpu_cost_ratio?.toFixed(2) ?? "n/a"
      }`,
  );
}
if (a.out) {
  const name = `${result.plan}_b${result.queries_per_request}_w${result.workers}`;
  console.error(`wrote ${(await writeLoadReport(a.out, name, result)).join(", ")}`);
}
if (a.json) console.log(JSON.stringify(result));
