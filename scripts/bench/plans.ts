/**
 * Benchmark of the function's plans on a head: the paper's poly encoding, simd batches and the
 * packed CKKS plan, each through the real server path (unpack the request envelope, evaluate,
 * shrink, pack the response) in one run, with request, response and key sizes, the planner's
 * estimates next to the measured times, and the packed plan's error against the integer head.
 *
 * @module
 */
import { evaluatePlain } from "../../lib/he-head/engine/plain.ts";
import process from "node:process";
import type { Network } from "../../lib/model/network.ts";
import { choosePlan, expectedPlanMs } from "../../lib/he-head/mod.ts";
import { openPlanClient } from "../../lib/he-head/client.ts";
import {
  type EvaluationKeys,
  type PlanServer,
  prepareServedPlans,
} from "../../lib/he-head/server.ts";
import { median } from "../../lib/report/mod.ts";
import { logPlanTable, type PlanBench } from "./plan_table.ts";
import { packedChartSvg, packedFloor } from "./packed_floor.ts";
import type { BfvPackedSpec } from "../../lib/he-head/plans/bfv_packed/plan.ts";

export type { PlanBench };

function features(net: Network, count: number, seed: number): number[] {
  const out: number[] = [];
  let s = seed;
  for (let i = 0; i < count * net.inputSize; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    out.push(net.inputMin + (s % (net.inputMax - net.inputMin + 1)));
  }
  return out;
}

/** One plan ready to be measured: keys registered, a request encrypted. Free with `delete()`. */
export interface PreparedPlan {
  /** One evaluation of the request through the server path. */
  run(): Promise<void>;
  /** Decrypts the last answer, checks it against the integer head, and summarises the runs. */
  finish(): Promise<PlanBench>;
  delete(): void;
}

/** Largest |decrypted - integer head| over a batch (throws when an exact plan differs). */
function maxError(
  name: string,
  got: { exact: boolean; logits: bigint[][] | null; scores: number[][] },
  want: bigint[][],
  outputScale: number,
): number {
  if (got.exact) {
    if (
      JSON.stringify(got.logits!.map((l) => l.map(String))) !==
        JSON.stringify(want.map((l) => l.map(String)))
    ) {
      throw new Error(`${name}: encrypted logits differ from the integer head`);
    }
    return 0;
  }
  let max = 0;
  got.scores.forEach((row, q) =>
    row.forEach((
      v,
      j,
    ) => (max = Math.max(max, Math.abs(v - Number(want[q][j]) * 2 ** -outputScale))))
  );
  return max;
}

/**
 * Prepares `plan` for measurement on `queries` seeded queries: client keys (with what the plan
 * needs), the server's loaded keys and the request envelope.
 */
export async function preparePlan(
  plan: PlanServer,
  net: Network,
  queries: number,
): Promise<PreparedPlan> {
  const x = features(net, queries, 7);
  const want = evaluatePlain(net, x, queries);
  const client = await openPlanClient(plan.spec);
  let evalKeys: EvaluationKeys | null = null;
  try {
    const keyBytes = await client.evaluationKeys();
    evalKeys = keyBytes ? await plan.unpackKeys(keyBytes, { check: false }) : null;
    const request = await client.encrypt(x, queries);
    const times: number[] = [], cpu: number[] = [];
    const stages: Record<string, number[]> = {};
    let body: Uint8Array = new Uint8Array();
    const loaded = evalKeys;
    return {
      async run() {
        const t0 = performance.now(), c0 = process.cpuUsage();
        const out = await plan.evaluate(request, loaded, {
          signal: AbortSignal.timeout(600_000),
          maxBytes: 1 << 30,
        });
        times.push(performance.now() - t0);
        const c = process.cpuUsage(c0);
        cpu.push((c.user + c.system) / 1000);
        body = out.body;
        for (const [k, v] of Object.entries(out.stages ?? {})) (stages[k] ??= []).push(v);
      },
      async finish() {
        const got = await client.decrypt(body, queries, { noiseBudget: true });
        const budget = got.noiseBudgetBits;
        const spec = plan.spec;
        return {
          plan: spec.name,
          encoding: spec.encoding,
          queries,
          server_ms: median(times),
          server_cpu_ms: median(cpu),
          estimated_ms: expectedPlanMs(spec.cost, queries),
          query_bytes: request.length,
          response_bytes: body.length,
          key_bytes: keyBytes?.length ?? 0,
          exact: spec.cost.exact,
          max_error: maxError(spec.name, got, want, net.outputScale),
          circuit_private: spec.privacy.circuitPrivate,
          ...Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, median(v)])),
          ...(budget !== undefined ? { response_budget_bits: budget } : {}),
        };
      },
      delete() {
        loaded?.delete();
        client.close();
      },
    };
  } catch (e) {
    evalKeys?.delete();
    client.close();
    throw e;
  }
}

/**
 * Measures one plan through the server path (`runPlan`): `repeats` evaluations of one request,
 * with its sizes, the stage times (BFV) and a check of the decrypted answer against the integer
 * head.
 */
async function benchPlan(
  plan: PlanServer,
  net: Network,
  queries: number,
  repeats: number,
): Promise<PlanBench> {
  const prepared = await preparePlan(plan, net, queries);
  try {
    for (let r = 0; r < repeats; r++) await prepared.run();
    return await prepared.finish();
  } finally {
    prepared.delete();
  }
}

/** Benchmarks every plan of `net`: single queries, and a simd batch of `batch` queries. */
export async function benchPlans(
  net: Network,
  options: { repeats: number; batch: number; log: (s: string) => void },
): Promise<Record<string, unknown>> {
  const plans = await prepareServedPlans(net);
  try {
    const rows: PlanBench[] = [];
    for (const p of plans) {
      const queries = p.spec.cost.queriesPerEvaluation > 1 ? options.batch : 1;
      options.log(`  plan ${p.name}: ${queries} quer${queries === 1 ? "y" : "ies"}`);
      rows.push(
        await benchPlan(
          p,
          net,
          queries,
          // One query per evaluation of the poly plan: the slow one, fewer repeats.
          p.spec.encoding === "poly"
            ? Math.max(3, Math.ceil(options.repeats / 2))
            : options.repeats,
        ),
      );
    }
    const by = (e: string) => rows.find((r) => r.encoding === e);
    const poly = by("poly")!, simd = by("simd")!, packed = by("packed");
    const exactPacked = by("bfv-packed");
    const exactPlan = plans.find((p) => p.spec.encoding === "bfv-packed");
    const floor = exactPlan
      ? await packedFloor(exactPlan.spec as BfvPackedSpec, 5 * options.repeats)
      : null;
    logPlanTable(net, rows, options.log);
    const costs = plans.map((p) => p.spec);
    const planner = Object.fromEntries(
      [1, 16, 256, 4096].map((q) => [q, choosePlan(costs, q).plan]),
    );
    options.log(`planner choice by query count: ${JSON.stringify(planner)}`);
    if (packed) {
      options.log(
        `packed vs poly single query: ${(poly.server_ms / packed.server_ms).toFixed(1)}x faster`,
      );
    }
    if (exactPacked && floor && packed) {
      await Deno.mkdir("results/exact_packed", { recursive: true });
      const svg = packedChartSvg(packed.server_ms, exactPacked.server_ms, floor.floor_ms);
      await Deno.writeTextFile("results/exact_packed/packed.svg", svg);
    }
    if (exactPacked && floor) {
      options.log(
        `exact packed: ${exactPacked.server_ms.toFixed(1)} ms server, floor ${
          floor.floor_ms.toFixed(1)
        } ms (SEAL ops ${JSON.stringify(floor.counts)})${
          packed ? `, ${(exactPacked.server_ms / packed.server_ms).toFixed(2)}x ckks packed` : ""
        }`,
      );
    }
    return {
      rows,
      planner,
      poly_single_query_ms: poly.server_ms,
      simd_batch_ms: simd.server_ms,
      simd_batch_queries: simd.queries,
      ...(packed
        ? {
          packed_single_query_ms: packed.server_ms,
          packed_query_bytes: packed.query_bytes,
          packed_response_bytes: packed.response_bytes,
          packed_key_bytes: packed.key_bytes,
          packed_max_error: packed.max_error,
          speedup_packed_vs_poly: poly.server_ms / packed.server_ms,
          ckks_packed_single_query_ms: packed.server_ms,
          ckks_packed_cpu_ms: packed.server_cpu_ms,
        }
        : {}),
      ...(exactPacked && floor
        ? {
          exact_packed_single_query_ms: exactPacked.server_ms,
          exact_packed_query_bytes: exactPacked.query_bytes,
          exact_packed_response_bytes: exactPacked.response_bytes,
          exact_packed_key_bytes: exactPacked.key_bytes,
          exact_packed_cpu_ms: exactPacked.server_cpu_ms,
          exact_packed_floor_ms: floor.floor_ms,
          exact_packed_unit_ms: floor.unit_ms,
          ...(packed
            ? { exact_packed_vs_ckks_packed: exactPacked.server_ms / packed.server_ms }
            : {}),
        }
        : {}),
    };
  } finally {
    plans.forEach((p) => p.close());
  }
}
