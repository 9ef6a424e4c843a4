/**
 * `deno task loadtest [--clients 8] [--seconds 30] [--plan auto|poly|simd|packed] [--batch 16]
 *  [--model models/head/uci_digits.json] [--json]`
 *
 * Starts the edge function on loopback (with its own bearer token) and runs concurrent real
 * clients against it for a bounded
 * time, checking every answer against the exact integer head. Reports requests served, errors,
 * latency percentiles and the server's WebAssembly heap before and after (it must stay flat).
 *
 * @module
 */
import { parseCli, usageExit } from "./cli/usage.ts";
import { issueToken, startServer } from "../lib/server/mod.ts";
import { HeadClient } from "../lib/client/mod.ts";
import { argmax, evaluatePlain } from "../lib/he-head/mod.ts";
import { compileModel, readModel } from "../lib/model/mod.ts";
import { formatTable, quantile } from "../lib/report/mod.ts";

const USAGE =
  "usage: deno task loadtest [--clients 8] [--seconds 30] [--plan auto|poly|simd|packed] " +
  "[--batch 16] [--model models/head/uci_digits.json] [--json]";
const { values: a } = parseCli(USAGE, {
  options: {
    clients: { type: "string", default: "8" },
    seconds: { type: "string", default: "30" },
    plan: { type: "string", default: "auto" },
    batch: { type: "string", default: "16" },
    model: { type: "string", default: "models/head/uci_digits.json" },
    json: { type: "boolean", default: false },
  },
});
const clients = Number(a.clients), seconds = Number(a.seconds), batch = Number(a.batch);
for (
  const [name, v, max] of [["--clients", clients, 64], ["--seconds", seconds, 3600], [
    "--batch",
    batch,
    8192,
  ]] as const
) {
  if (!Number.isInteger(v) || v < 1 || v > max) {
    usageExit(USAGE, `${name}: expected an integer in [1, ${max}], received ${v}`);
  }
}
const model = await readModel(a.model).catch((e) => {
  throw new Error(
    `cannot read the head model ${a.model} (run \`deno task demo\` or \`deno task train\` first): ${e.message}`,
  );
});
const net = compileModel(model);
const dir = await Deno.makeTempDir();
// The load test's own token: a quota that does not bind (the load is what is measured).
const token = await issueToken(`${dir}/keys.kv`, "loadtest", {
  requests_per_minute: 1_000_000,
  queries_per_day: 1_000_000_000,
  key_sets: clients + 8,
  key_bytes: 1e12,
});
const server = await startServer({
  FCN_MODEL: a.model,
  FCN_KV: `${dir}/keys.kv`,
  FCN_MAX_QUEUE: String(Math.max(8, clients)),
});
const health = async () =>
  (await (await fetch(`${server.base}/healthz`)).json()) as { heap_bytes: number };

let seed = 1;
function randomFeatures(count: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < count * net.inputSize; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    out.push(net.inputMin + (seed % (net.inputMax - net.inputMin + 1)));
  }
  return out;
}

try {
  const client = await HeadClient.connect(server.base, { token });
  const planName = a.plan === "auto" ? client.choosePlan(1).plan : client.plan(a.plan!).name;
  const per = client.plan(planName).encoding === "simd" ? batch : 1;
  const sessions = [];
  for (let c = 0; c < clients; c++) sessions.push(await client.session(planName));
  for (const s of sessions) await s.classify(randomFeatures(per), per); // warm-up (keys loaded)
  const heapBefore = (await health()).heap_bytes;
  const latencies: number[] = [];
  let errors = 0, mismatches = 0, flips = 0;
  const deadline = performance.now() + seconds * 1000;
  console.error(
    `load: ${clients} clients, plan ${planName}, ${per} queries per request, ${seconds} s`,
  );
  await Promise.all(sessions.map(async (s) => {
    for (let i = 0; i < 100_000 && performance.now() < deadline; i++) {
      const x = randomFeatures(per);
      const t0 = performance.now();
      try {
        const r = await s.classify(x, per);
        latencies.push(performance.now() - t0);
        const want = evaluatePlain(net, x, per);
        const text = (x: bigint[][]) => JSON.stringify(x.map((l) => l.map(String)));
        // Exact plans must match bit for bit; the packed plan must stay within its error bound
        // (an arg-max may then differ on a near tie, which is counted apart).
        const bound = client.plan(planName).error_bound ?? 0;
        const off = r.logits
          ? text(r.logits) !== text(want)
          : r.scores.some((s, q) =>
            s.some((v, k) => Math.abs(v - Number(want[q][k]) * 2 ** -net.outputScale) > bound)
          );
        if (off) mismatches++;
        flips += r.predictions.filter((p, q) => p !== argmax(want[q])).length;
      } catch (e) {
        errors++;
        console.error(`request failed: ${(e as Error).message}`);
      }
    }
  }));
  const heapAfter = (await health()).heap_bytes;
  sessions.forEach((s) => s.close());
  const result = {
    plan: planName,
    clients,
    seconds,
    queries_per_request: per,
    requests: latencies.length,
    errors: errors + mismatches,
    mismatches,
    argmax_differences: flips,
    p50_ms: quantile(latencies, 0.5),
    p99_ms: quantile(latencies, 0.99),
    requests_per_s: latencies.length / seconds,
    heap_bytes_before: heapBefore,
    heap_bytes_after: heapAfter,
  };
  console.error(
    formatTable([
      ["metric", "value"],
      ...Object.entries(result).map(([k, v]) => [k, typeof v === "number" ? v : String(v)]),
    ]),
  );
  if (a.json) console.log(JSON.stringify(result));
} finally {
  await server.stop();
  await Deno.remove(dir, { recursive: true });
}
