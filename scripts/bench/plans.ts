/**
 * Benchmark of the function's plans on a head: the paper's poly encoding, simd batches and the
 * packed CKKS plan, each through the real server path (unpack the request envelope, evaluate,
 * shrink, pack the response) in one run, with request, response and key sizes, the planner's
 * estimates next to the measured times, and the packed plan's error against the integer head.
 *
 * @module
 */
import { buildPlans, freePlan, type Plan } from "../../lib/he-head/schemes/bfv/bfv_plan.ts";
import { runPlan } from "../../lib/he-head/schemes/bfv/server/bfv_server.ts";
import { ClientKeys } from "../../lib/he-head/client/keys.ts";
import { decryptOutputs, outputNoiseBudgets } from "../../lib/he-head/client/decrypt.ts";
import { encryptInputsSerialized } from "../../lib/he-head/client/encrypt.ts";
import { evaluatePlain } from "../../lib/he-head/engine/plain.ts";
import type { Network } from "../../lib/model/network.ts";
import { choosePlan, expectedPlanMs } from "../../lib/he-head/plans/planner.ts";
import type { CkksContext } from "../../lib/he-head/packed/ckks_context.ts";
import { decryptPacked, encryptPackedSerialized } from "../../lib/he-head/packed/packed_client.ts";
import type { HeContext } from "../../lib/he-head/seal/context.ts";
import type { EvaluationKeys } from "../../lib/he-head/seal/evaluation_keys.ts";
import { freeResult } from "../../lib/he-head/seal/evaluate_encrypted.ts";
import {
  packInputs,
  packKeys,
  unpackKeys,
  unpackResults,
} from "../../lib/he-head/wire/payloads.ts";
import { formatBytes, formatTable, median } from "../../lib/report/mod.ts";

/** Results per plan. */
export interface PlanBench {
  plan: string;
  encoding: string;
  queries: number;
  server_ms: number;
  estimated_ms: number;
  query_bytes: number;
  response_bytes: number;
  key_bytes: number;
  exact: boolean;
  /** Largest |logit error| (0 for exact plans; checked equal bit for bit). */
  max_error: number;
  /** Whether the plan's answers are circuit-private (flooded). */
  circuit_private: boolean;
  /** BFV: medians of the server's stages (ms). */
  evaluate_ms?: number;
  mask_ms?: number;
  flood_ms?: number;
  pack_ms?: number;
  /** BFV: smallest noise budget (bits) of the decrypted response. */
  response_budget_bits?: number;
}

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

/**
 * Prepares `plan` for measurement on `queries` seeded queries: client keys (with what the plan
 * needs), the server's loaded keys and the request envelope.
 */
export async function preparePlan(
  plan: Plan,
  net: Network,
  queries: number,
): Promise<PreparedPlan> {
  const x = features(net, queries, 7);
  const want = evaluatePlain(net, x, queries);
  const keys = ClientKeys.generate(plan.ctx, {
    relin: plan.needsRelinKeys,
    galoisSteps: plan.galoisSteps,
    publicKey: plan.needsPublicKey,
  });
  let evalKeys: EvaluationKeys | null = null;
  try {
    const keyBytes = await packKeys(plan.params, keys.evaluationKeys);
    evalKeys = await unpackKeys(plan.ctx, keyBytes);
    let request: Uint8Array;
    if (plan.kind === "packed") {
      const k = keys as ClientKeys<CkksContext>;
      const cts = [];
      for (let q = 0; q < queries; q++) {
        cts.push(
          encryptPackedSerialized(
            k,
            x.slice(q * net.inputSize, (q + 1) * net.inputSize),
            plan.head.layout,
          ),
        );
      }
      request = await packInputs(plan.params, [cts], queries);
    } else {
      request = await packInputs(
        plan.params,
        encryptInputsSerialized(keys as ClientKeys<HeContext>, x, queries, net.inputSize),
        queries,
      );
    }
    const times: number[] = [];
    const stages: Record<string, number[]> = {};
    let body: Uint8Array = new Uint8Array();
    const loaded = evalKeys;
    return {
      async run() {
        const t0 = performance.now();
        const out = await runPlan(
          plan,
          net,
          request,
          loaded,
          AbortSignal.timeout(600_000),
          1 << 30,
        );
        times.push(performance.now() - t0);
        body = out.body;
        for (const [k, v] of Object.entries(out.stages ?? {})) (stages[k] ??= []).push(v);
      },
      async finish() {
        const outputs = await unpackResults(plan.ctx, body, {
          outputs: plan.kind === "packed" ? queries : net.outputSize,
        });
        let maxError = 0;
        let budget: number | undefined;
        try {
          if (plan.kind === "packed") {
            const k = keys as ClientKeys<CkksContext>;
            outputs.ciphertexts[0].forEach((ct, q) => {
              const got = decryptPacked(k, ct!, net.outputSize, plan.head.outputFactor);
              got.forEach((
                v,
                j,
              ) => (maxError = Math.max(
                maxError,
                Math.abs(v - Number(want[q][j]) * 2 ** -net.outputScale),
              )));
            });
          } else {
            const got = decryptOutputs(keys as ClientKeys<HeContext>, outputs, queries);
            budget = Math.min(...outputNoiseBudgets(keys as ClientKeys<HeContext>, outputs));
            if (
              JSON.stringify(got.map((l) => l.map(String))) !==
                JSON.stringify(want.map((l) => l.map(String)))
            ) {
              throw new Error(`${plan.name}: encrypted logits differ from the integer head`);
            }
          }
        } finally {
          freeResult(outputs);
        }
        return {
          plan: plan.name,
          encoding: plan.encoding,
          queries,
          server_ms: median(times),
          estimated_ms: expectedPlanMs(
            {
              name: plan.name,
              encoding: plan.encoding,
              estimated_ms: plan.estimatedMs,
              max_queries: plan.maxQueries,
              needs_keys: true,
            },
            queries,
          ),
          query_bytes: request.length,
          response_bytes: body.length,
          key_bytes: plan.needsRelinKeys || plan.needsPublicKey || plan.galoisSteps.length
            ? keyBytes.length
            : 0,
          exact: plan.kind === "bfv",
          max_error: maxError,
          circuit_private: plan.circuitPrivate,
          ...Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, median(v)])),
          ...(budget !== undefined ? { response_budget_bits: budget } : {}),
        };
      },
      delete() {
        loaded.delete();
        keys.delete();
      },
    };
  } catch (e) {
    evalKeys?.delete();
    keys.delete();
    throw e;
  }
}

/**
 * Measures one plan through the server path (`runPlan`): `repeats` evaluations of one request,
 * with its sizes, the stage times (BFV) and a check of the decrypted answer against the integer
 * head.
 */
export async function benchPlan(
  plan: Plan,
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
  const plans = await buildPlans(net);
  try {
    const rows: PlanBench[] = [];
    for (const p of plans) {
      const queries = p.encoding === "simd" ? options.batch : 1;
      options.log(`  plan ${p.name}: ${queries} quer${queries === 1 ? "y" : "ies"}`);
      rows.push(
        await benchPlan(
          p,
          net,
          queries,
          p.encoding === "poly" ? Math.max(3, Math.ceil(options.repeats / 2)) : options.repeats,
        ),
      );
    }
    const by = (e: string) => rows.find((r) => r.encoding === e);
    const poly = by("poly")!, simd = by("simd")!, packed = by("packed");
    const shape = [
      net.inputSize,
      ...net.layers.filter((l) => l.weights > 0).map((l) => l.outShape.join("x")),
    ];
    options.log(`\nPlans on the head (${net.name}: ${shape.join(" -> ")})`);
    options.log(formatTable([
      [
        "plan",
        "queries",
        "server ms (median)",
        "planner estimate ms",
        "query",
        "response",
        "eval keys",
        "exact",
        "max |error|",
      ],
      ...rows.map((
        r,
      ) => [
        r.plan,
        r.queries,
        r.server_ms,
        r.estimated_ms,
        formatBytes(r.query_bytes),
        formatBytes(r.response_bytes),
        formatBytes(r.key_bytes),
        r.exact ? "yes" : "no",
        r.max_error,
      ]),
    ]));
    const costs = plans.map((p) => ({
      name: p.name,
      encoding: p.encoding,
      estimated_ms: p.estimatedMs,
      max_queries: p.maxQueries,
      needs_keys: p.needsRelinKeys || p.needsPublicKey || p.galoisSteps.length > 0,
    }));
    const planner = Object.fromEntries(
      [1, 16, 256, 4096].map((q) => [q, choosePlan(costs, q).plan]),
    );
    options.log(`planner choice by query count: ${JSON.stringify(planner)}`);
    if (packed) {
      options.log(
        `packed vs poly single query: ${(poly.server_ms / packed.server_ms).toFixed(1)}x faster`,
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
        }
        : {}),
    };
  } finally {
    plans.forEach(freePlan);
  }
}
