/**
 * One phase of the load test: the edge function started with `workers` workers (`deno serve
 * --parallel`), `clients` real clients, each with its own keys and its own connection pinned to
 * a worker (round robin, so every worker gets the same number of clients), sending requests
 * encrypted before the timed window (the client's encryption is not what is measured) for
 * `seconds`; every answer is decrypted and checked against the integer head, after the window
 * (up to 512 MB of answers) so that the client's decryption does not take the workers' cores.
 *
 * @module
 */
import { HeadClient } from "../../lib/client/mod.ts";
import type { Network } from "../../lib/he-head/mod.ts";
import { ENVELOPE_TYPE, KEY_ID_HEADER, PATHS } from "../../lib/protocol/api.ts";
import { quantile } from "../../lib/report/mod.ts";
import { issueToken, startServer } from "../../lib/server/mod.ts";
import { pinnedConnections, workerHeaps } from "./load_connections.ts";
import { processCpuSeconds } from "./load_cpu.ts";
import { LoadCounters, type Prepared, prepareRequests, type RequestPool } from "./load_requests.ts";

/** Answers kept to be checked after the timed window (bytes); the rest are checked at once. */
const HELD_BYTES = 512 * 1024 * 1024;

/** What a phase is asked to do. */
export interface PhaseOptions {
  /** Path of the head model the server serves. */
  model: string;
  /** `auto` (the planner's choice for one query), or a plan's name or encoding. */
  plan: string;
  clients: number;
  seconds: number;
  /** Queries per request for plans that batch (simd). */
  batch: number;
  workers: number;
  /** Requests each client encrypts ahead of the window and sends in turn. */
  pool: number;
}

/** What a phase measured. */
export interface PhaseResult {
  workers: number;
  plan: string;
  queries_per_request: number;
  requests: number;
  errors: number;
  mismatches: number;
  argmax_differences: number;
  p50_ms: number;
  p99_ms: number;
  /** Median of the server's own evaluation time (`x-server-ms`). */
  server_p50_ms: number;
  requests_per_s: number;
  queries_per_s: number;
  /** `queries_per_s / workers`: each worker is one core's worth of SEAL. */
  queries_per_s_per_core: number;
  /** The floor: queries per second one core gives at the measured server time alone. */
  server_bound_queries_per_s_per_core: number;
  /**
   * Cores' worth of CPU the server process used in the window (its CPU time over the wall time;
   * at most `workers`): below `workers`, the machine gave it no more (null without `/proc`).
   */
  server_cpu_cores: number | null;
  /** Server CPU milliseconds per answered request (all its work: HTTP, KV, SEAL). */
  server_cpu_ms_per_request: number | null;
  /**
   * Queries answered per second of server CPU: the per-core throughput of a core given wholly to
   * the server (on a shared machine, what the wall-clock figures cannot show).
   */
  queries_per_server_cpu_s: number | null;
  heap_bytes_before: number[];
  heap_bytes_after: number[];
}

/** The plan a phase uses: the planner's choice for one request (`auto`), or the one named. */
function choosePlanName(client: HeadClient, plan: string): string {
  return plan === "auto" ? client.choosePlan(1).plan : client.plan(plan).name;
}

/**
 * Runs one phase (starts and stops its own server over its own KV). `pools`, from an earlier
 * phase, are the same requests and secret keys (registered again): no key generation or
 * encryption again.
 */
// long: one phase's set-up, timed window and summary read best in order
export async function runPhase(
  o: PhaseOptions,
  net: Network,
  pools: readonly RequestPool[] = [],
): Promise<{ result: PhaseResult; pools: RequestPool[] }> {
  const dir = await Deno.makeTempDir();
  const token = await issueToken(`${dir}/keys.kv`, "loadtest", {
    requests_per_minute: 1_000_000,
    queries_per_day: 1_000_000_000,
    key_sets: o.clients + 8,
    key_bytes: 1e12,
  });
  const server = await startServer(
    {
      FCN_MODEL: o.model,
      FCN_KV: `${dir}/keys.kv`,
      FCN_MAX_QUEUE: String(Math.max(8, o.clients)),
    },
    180_000,
    { workers: o.workers },
  );
  const connections = await pinnedConnections(server.base, o.clients, o.workers);
  const prepared: Prepared[] = [];
  try {
    const client = await HeadClient.connect(server.base, { token });
    const planName = choosePlanName(client, o.plan);
    const per = client.plan(planName).encoding === "simd" ? o.batch : 1;
    const bound = client.plan(planName).error_bound ?? null;
    console.error(
      `phase: ${o.workers} worker(s), ${o.clients} clients, plan ${planName}, ${per} queries per request, ${o.seconds} s`,
    );
    for (let c = 0; c < o.clients; c++) {
      prepared.push(
        await prepareRequests(client, planName, {
          net,
          per,
          size: o.pool,
          seed: c + 1,
          pool: pools[c],
        }),
      );
    }
    const send = (c: number, body: Uint8Array) =>
      fetch(`${server.base}${PATHS.classify}`, {
        method: "POST",
        headers: {
          "content-type": ENVELOPE_TYPE,
          authorization: `Bearer ${token}`,
          ...(prepared[c].keyId ? { [KEY_ID_HEADER]: prepared[c].keyId! } : {}),
        },
        body: body as Uint8Array<ArrayBuffer>,
        client: connections[c].client,
      });
    // Warm-up: every client once (its worker loads its keys from KV).
    await Promise.all(
      prepared.map(async (p, c) => await (await send(c, p.bodies[0])).arrayBuffer()),
    );
    const heapBefore = await workerHeaps(connections);
    const counters = new LoadCounters(net, bound);
    const later: { c: number; k: number; answer: Uint8Array }[] = [];
    let held = 0;
    const cpu0 = await processCpuSeconds(server.process.pid);
    const t0 = performance.now();
    const deadline = t0 + o.seconds * 1000;
    await Promise.all(prepared.map(async (p, c) => {
      for (let i = 0; performance.now() < deadline; i++) {
        const k = i % p.bodies.length;
        const start = performance.now();
        try {
          const res = await send(c, p.bodies[k]);
          if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
          const answer = new Uint8Array(await res.arrayBuffer());
          const done = performance.now();
          if (done > deadline) break; // finished after the window: not counted
          counters.latency(done - start, Number(res.headers.get("x-server-ms")));
          // Checked after the window while memory allows, so the client's decryption does not
          // compete with the workers for the cores; inline beyond that.
          if (held + answer.length <= HELD_BYTES) {
            held += answer.length;
            later.push({ c, k, answer });
          } else counters.check(await p.session.half.decrypt(answer, per), p.want[k]);
        } catch (e) {
          counters.error(e as Error);
        }
      }
    }));
    const elapsed = (performance.now() - t0) / 1000;
    const cpu1 = await processCpuSeconds(server.process.pid);
    const cpu = cpu0 === null || cpu1 === null ? null : cpu1 - cpu0;
    for (const { c, k, answer } of later) {
      try {
        counters.check(await prepared[c].session.half.decrypt(answer, per), prepared[c].want[k]);
      } catch (e) {
        counters.error(e as Error);
      }
    }
    if (counters.errors > 0) {
      console.error(`server log (last lines):\n${server.log().slice(-3000)}`);
    }
    const heapAfter = await workerHeaps(connections);
    const requests = counters.latencies.length;
    const serverMs = quantile(counters.serverMs, 0.5);
    const result: PhaseResult = {
      workers: o.workers,
      plan: planName,
      queries_per_request: per,
      requests,
      errors: counters.errors,
      mismatches: counters.mismatches,
      argmax_differences: counters.flips,
      p50_ms: quantile(counters.latencies, 0.5),
      p99_ms: quantile(counters.latencies, 0.99),
      server_p50_ms: serverMs,
      requests_per_s: requests / elapsed,
      queries_per_s: requests * per / elapsed,
      queries_per_s_per_core: requests * per / elapsed / o.workers,
      server_bound_queries_per_s_per_core: per / (serverMs / 1000),
      server_cpu_cores: cpu === null ? null : cpu / elapsed,
      server_cpu_ms_per_request: cpu === null ? null : cpu * 1000 / requests,
      queries_per_server_cpu_s: cpu === null ? null : requests * per / cpu,
      heap_bytes_before: heapBefore,
      heap_bytes_after: heapAfter,
    };
    return { result, pools: prepared.map(({ saved, bodies, want }) => ({ saved, bodies, want })) };
  } finally {
    prepared.forEach((p) => p.session.close());
    connections.forEach((k) => k.client.close());
    await server.stop();
    await Deno.remove(dir, { recursive: true });
  }
}
