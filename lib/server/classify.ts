/**
 * `POST /v1/classify`: the plan the envelope names evaluates it under the limiter, the request
 * deadline and the heap budget, with the token's keys (registered, or inline), charged against
 * the token's queries per day.
 *
 * @module
 */
import { definition, expectedPlanMs, peekEnvelope } from "../he-head/mod.ts";
import type { EvaluationKeys, PlanServer } from "../he-head/server.ts";
import { ApiError } from "../protocol/errors.ts";
import type { ServiceParts } from "./parts.ts";
import type { Principal } from "./tokens.ts";

/** Keys held for one evaluation (none when the plan needs no evaluation keys). */
interface Lease {
  keys: EvaluationKeys | null;
  release(): void;
}

/** Result of one classification. */
export interface ClassifyResult {
  /** The results envelope (encrypted logits). */
  body: Uint8Array;
  /** The plan that evaluated it. */
  plan: PlanServer;
  /** Queries answered. */
  queries: number;
  /** Milliseconds from the start of the evaluation, waiting excluded. */
  serverMs: number;
  /** The cost model's expectation for this plan and query count. */
  estimatedMs: number;
}

/** The keys of one evaluation: inline, registered (cached), or none when the plan needs none. */
async function leaseKeys(
  s: ServiceParts,
  p: Principal,
  plan: PlanServer,
  keyId: string | null,
  inline: Uint8Array | null,
): Promise<Lease> {
  if (inline) {
    if (s.planOf(inline) !== plan) {
      throw new ApiError(
        422,
        "plan-mismatch",
        "the inline keys were made for another plan than the inputs",
      );
    }
    const keys = await plan.unpackKeys(inline, { maxBytes: s.maxKeyBytes, check: true });
    return { keys, release: () => keys.delete() };
  }
  if (!keyId) {
    if (!plan.spec.cost.needsKeys) {
      return { keys: null, release: () => {} };
    }
    throw new ApiError(
      400,
      "missing-key-id",
      "expected an x-key-id header naming keys registered with POST /v1/keys, received none",
    );
  }
  if (!/^[0-9a-f]{64}$/.test(keyId)) {
    throw new ApiError(
      400,
      "bad-key-id",
      `expected an x-key-id of 64 hex digits (from POST /v1/keys), received ${
        JSON.stringify(keyId.slice(0, 80))
      }`,
    );
  }
  // Keys are used only by the tokens that registered them. Every request asks the shared KV
  // (one small read: another worker may have registered the keys, and keys expire); the key
  // bytes are read from KV only when this worker has not loaded them yet.
  const stored = await s.quotas.owns(p, keyId) ? await s.keyStore.info(keyId) : null;
  if (!stored) throw unknownKeyId(keyId);
  if (stored.planHash !== plan.spec.hash) {
    throw new ApiError(
      422,
      "plan-mismatch",
      `key ${keyId.slice(0, 12)}... was registered for another plan than ${plan.name}`,
    );
  }
  return await s.keyCache.acquire(keyId, async () => {
    const keys = await s.keyStore.get(keyId);
    if (!keys || keys.planHash !== plan.spec.hash) throw unknownKeyId(keyId);
    const release = s.reserveHeap(plan.keysHeapBytes(), "caching keys");
    try {
      return { keys: await plan.unpackKeys(keys.bytes, { check: false }), free: release };
    } catch (e) {
      release();
      throw e;
    }
  });
}

function unknownKeyId(keyId: string): ApiError {
  return new ApiError(
    404,
    "unknown-key-id",
    `no keys with id ${keyId.slice(0, 64)} registered by this token (expired, or never)`,
  );
}

/** Queries a request is charged: what it asks the server to answer. */
function chargedQueries(plan: PlanServer, body: Uint8Array): number {
  return definition(plan.spec.kind).chargedQueries(plan.spec, peekEnvelope(body));
}

/** `POST /v1/classify`: evaluates encrypted inputs and returns encrypted logits. */
export async function classify(
  s: ServiceParts,
  p: Principal,
  body: Uint8Array,
  keyId: string | null,
  inlineKeys: Uint8Array | null,
): Promise<ClassifyResult> {
  const plan = s.planOf(body);
  const queries = chargedQueries(plan, body);
  return await s.bounded(async (signal) => {
    const t0 = performance.now();
    const need = plan.heapBytes(queries) + (inlineKeys ? plan.keysHeapBytes() : 0);
    const release = s.reserveHeap(need, `a ${plan.name} request of ${queries} queries`);
    try {
      const lease = await leaseKeys(s, p, plan, keyId, inlineKeys);
      try {
        await s.quotas.chargeQueries(p, queries);
        const out = await plan.evaluate(body, lease.keys, {
          signal,
          maxBytes: s.maxBodyBytes,
        });
        return {
          body: out.body,
          plan,
          queries: out.queries,
          serverMs: performance.now() - t0,
          estimatedMs: expectedPlanMs(plan.spec.cost, out.queries),
        };
      } finally {
        lease.release();
      }
    } finally {
      release();
    }
  });
}
