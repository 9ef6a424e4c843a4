/**
 * The head service behind the HTTP routes: the model, its plans, the key store and cache, and
 * the evaluation limiter. It only ever evaluates: no secret key, no decryption.
 *
 * @module
 */
import { compileModel, type Network } from "../lib/he-head/model/network.ts";
import type { QuantizedModel } from "../lib/he-head/model/format.ts";
import { parseModel } from "../lib/he-head/model/parse.ts";
import type { EvaluationKeys } from "../lib/he-head/seal/evaluation_keys.ts";
import { loadSeal } from "../lib/he-head/seal/runtime.ts";
import { EnvelopeError } from "../lib/he-head/wire/envelope.ts";
import { ciphertextBytes, keySwitchKeyBytes, unpackKeys } from "../lib/he-head/wire/payloads.ts";
import { expectedPlanMs, type PlanCost } from "../lib/he-head/params/planner.ts";
import type { KeysResponse, ModelDescription } from "../lib/protocol/api.ts";
import { ApiError } from "./errors.ts";
import { KeyCache } from "./key_cache.ts";
import { KvKeyStore, sha256Hex } from "./key_store.ts";
import { EvaluationLimiter } from "./limiter.ts";
import { describeModel } from "./describe.ts";
import { buildPlans, freePlan, type Plan, requireKeys } from "./plans.ts";
import { runPlan } from "./run_plan.ts";

/** Service limits (all have defaults). */
export interface ServiceConfig {
  /** Largest request body (bytes). Default: what the largest plan's request needs, plus 25%. */
  maxBodyBytes?: number;
  /** Evaluations at once. Default 1 (SEAL is single-threaded per isolate). */
  concurrency?: number;
  /** Requests waiting for a slot before 503. Default 8. */
  queue?: number;
  /** Per-request time limit (ms), waiting included. Default 60 000. */
  timeoutMs?: number;
  /** Lifetime of uploaded keys (ms). Default 24 h. */
  keyTtlMs?: number;
  /** Loaded key sets kept in memory. Default 8. */
  keyCacheEntries?: number;
}

/** Keys held for one evaluation (none when the plan needs no evaluation keys). */
interface Lease {
  keys: EvaluationKeys | null;
  release(): void;
}

/** Result of one classification. */
export interface ClassifyResult {
  body: Uint8Array;
  plan: Plan;
  queries: number;
  serverMs: number;
  /** The cost model's expectation for this plan and query count. */
  estimatedMs: number;
}

/** The model, its plans and the machinery to evaluate requests. */
export class HeadService {
  readonly limiter: EvaluationLimiter;
  readonly maxBodyBytes: number;
  /** Largest key upload (bytes): relinearisation keys of every modulus of the largest plan. */
  readonly maxKeyBytes: number;
  readonly timeoutMs: number;
  private readonly keyStore: KvKeyStore;
  private readonly keyCache: KeyCache;
  private constructor(
    readonly model: QuantizedModel,
    readonly net: Network,
    readonly modelId: string,
    readonly plans: Plan[],
    kv: Deno.Kv,
    config: ServiceConfig,
  ) {
    const keyTtlMs = config.keyTtlMs ?? 24 * 3600_000;
    this.keyStore = new KvKeyStore(kv, keyTtlMs);
    this.keyCache = new KeyCache(config.keyCacheEntries ?? 8);
    this.limiter = new EvaluationLimiter({
      concurrency: config.concurrency ?? 1,
      queue: config.queue ?? 8,
      retryAfterSeconds: 2,
    });
    this.timeoutMs = config.timeoutMs ?? 60_000;
    const need = Math.max(
      ...plans.map((p) =>
        p.ctx.moduli.length * (p.kind === "bfv" ? net.inputSize : p.maxQueries) *
        ciphertextBytes(p.params, 2)
      ),
    );
    this.maxBodyBytes = config.maxBodyBytes ?? Math.ceil(need * 1.25) + 65536;
    this.maxKeyBytes = Math.max(
      ...plans.map((p) =>
        p.ctx.moduli.length *
        (Number(p.needsRelinKeys) + Number(p.needsPublicKey) + p.galoisSteps.length) *
        keySwitchKeyBytes(p.params)
      ),
    ) + 65536;
  }

  /** Validates the model and chooses plans. */
  static async create(
    model: QuantizedModel,
    kv: Deno.Kv,
    config: ServiceConfig = {},
  ): Promise<HeadService> {
    await loadSeal();
    const checked = parseModel(model);
    const net = compileModel(checked);
    const modelId = await sha256Hex(new TextEncoder().encode(JSON.stringify(checked)));
    const plans = await buildPlans(net);
    return new HeadService(checked, net, modelId, plans, kv, config);
  }

  /** `GET /v1/model`. */
  describe(): ModelDescription {
    return describeModel(this.model, this.net, this.modelId, this.plans, {
      max_body_bytes: this.maxBodyBytes,
      max_key_bytes: this.maxKeyBytes,
      max_concurrent: this.limiter.options.concurrency,
      max_queue: this.limiter.options.queue,
      timeout_ms: this.timeoutMs,
      key_ttl_seconds: Math.round(this.keyStore.ttlMs / 1000),
    });
  }

  /** The plan an envelope names (bytes 8..40 hold the parameter hash). */
  planOf(envelope: Uint8Array): Plan {
    if (envelope.length < 40) {
      throw new ApiError(
        400,
        "envelope-truncated",
        `expected an envelope of at least 40 bytes, received ${envelope.length}`,
      );
    }
    if (new TextDecoder().decode(envelope.subarray(0, 4)) !== "FCNE") {
      throw new ApiError(
        400,
        "envelope-bad-magic",
        'expected an envelope starting with "FCNE", received other bytes',
      );
    }
    const hash = Array.from(envelope.subarray(8, 40), (b) => b.toString(16).padStart(2, "0")).join(
      "",
    );
    const plan = this.plans.find((p) => p.hash === hash);
    if (!plan) {
      throw new ApiError(
        422,
        "unknown-plan",
        `the envelope names parameters ${
          hash.slice(0, 16)
        }..., expected one of the plans of GET /v1/model (${
          this.plans.map((p) => p.name).join(", ")
        })`,
      );
    }
    return plan;
  }

  /** `POST /v1/keys`: validates the keys by loading them, then stores them. */
  async registerKeys(bytes: Uint8Array): Promise<KeysResponse> {
    const plan = this.planOf(bytes);
    const keys = await unpackKeys(plan.ctx, bytes);
    try {
      requireKeys(plan, keys);
    } finally {
      keys.delete();
    }
    const { id, created } = await this.keyStore.put(plan.hash, bytes);
    return {
      key_id: id,
      plan: plan.name,
      created,
      bytes: bytes.length,
      expires_in_seconds: Math.round(this.keyStore.ttlMs / 1000),
    };
  }

  private async leaseKeys(
    plan: Plan,
    keyId: string | null,
    inline: Uint8Array | null,
  ): Promise<Lease> {
    if (inline) {
      if (this.planOf(inline) !== plan) {
        throw new ApiError(
          422,
          "plan-mismatch",
          "the inline keys were made for another plan than the inputs",
        );
      }
      const keys = await unpackKeys(plan.ctx, inline);
      try {
        requireKeys(plan, keys);
      } catch (e) {
        keys.delete();
        throw e;
      }
      return { keys, release: () => keys.delete() };
    }
    if (!keyId) {
      if (!plan.needsRelinKeys && !plan.needsPublicKey && plan.galoisSteps.length === 0) {
        return { keys: null, release: () => {} };
      }
      throw new ApiError(
        400,
        "missing-key-id",
        "expected an x-key-id header naming keys registered with POST /v1/keys, received none",
      );
    }
    const stored = await this.keyStore.get(keyId);
    if (!stored) {
      throw new ApiError(
        404,
        "unknown-key-id",
        `no keys with id ${keyId.slice(0, 64)} (expired, or never registered)`,
      );
    }
    if (stored.planHash !== plan.hash) {
      throw new ApiError(
        422,
        "plan-mismatch",
        `key ${keyId.slice(0, 12)}... was registered for another plan than ${plan.name}`,
      );
    }
    return await this.keyCache.acquire(keyId, () => unpackKeys(plan.ctx, stored.bytes));
  }

  /** `POST /v1/classify`: evaluates encrypted inputs and returns encrypted logits. */
  async classify(
    body: Uint8Array,
    keyId: string | null,
    inlineKeys: Uint8Array | null,
  ): Promise<ClassifyResult> {
    const plan = this.planOf(body);
    const signal = AbortSignal.timeout(this.timeoutMs);
    return await this.limiter.run(async () => {
      const t0 = performance.now();
      const lease = await this.leaseKeys(plan, keyId, inlineKeys);
      try {
        const out = await runPlan(plan, this.net, body, lease.keys, signal, this.maxBodyBytes);
        return {
          body: out.body,
          plan,
          queries: out.queries,
          serverMs: performance.now() - t0,
          estimatedMs: expectedPlanMs({ ...this.describePlanCost(plan) }, out.queries),
        };
      } catch (e) {
        if (signal.aborted && !(e instanceof ApiError) && !(e instanceof EnvelopeError)) {
          throw new ApiError(
            503,
            "timeout",
            `the evaluation exceeded the ${this.timeoutMs} ms limit`,
            {
              "Retry-After": "5",
            },
          );
        }
        throw e;
      } finally {
        lease.release();
      }
    }, signal);
  }

  /** The planner's view of a plan. */
  describePlanCost(p: Plan): PlanCost {
    return {
      name: p.name,
      encoding: p.encoding,
      estimated_ms: p.estimatedMs,
      max_queries: p.maxQueries,
      needs_keys: p.needsRelinKeys || p.needsPublicKey || p.galoisSteps.length > 0,
    };
  }

  /** Frees SEAL objects (plans and cached keys). */
  close(): void {
    this.keyCache.clear();
    for (const p of this.plans) freePlan(p);
  }
}
