/**
 * The head service behind the HTTP routes: the model, its plans, tokens and quotas, the key store
 * and cache, the evaluation limiter and SEAL's heap budget. It only ever evaluates: no secret
 * key, no decryption.
 *
 * @module
 */
import { compileModel, type Network } from "../model/network.ts";
import type { QuantizedModel } from "../model/format.ts";
import { parseModel } from "../model/parse.ts";
import { checkNoiseSource } from "../model/privacy.ts";
import { loadSeal, SEAL_HEAP_MAX_BYTES } from "../he-head/seal/runtime.ts";
import { EnvelopeError, peekEnvelope } from "../he-head/wire/envelope.ts";
import {
  definition,
  describePlans,
  expectedPlanMs,
  MissingKeysError,
  type PlanCandidate,
  type PlanSpec,
} from "../he-head/plans/mod.ts";
import { type EvaluationKeys, type PlanServer, prepareServedPlans } from "../he-head/server.ts";
import type { KeysResponse, ModelDescription, Quota } from "../protocol/api.ts";
import { ApiError, fromEnvelopeError } from "../protocol/errors.ts";
import { HeapBudget } from "./heap.ts";
import { KeyCache } from "./key_cache.ts";
import { canonicalKeyBytes, canonicalKeyId, KvKeyStore, sha256Hex } from "./key_store.ts";
import { EvaluationLimiter } from "./limiter.ts";
import { describeModel } from "./describe.ts";
import { QuotaStore } from "./quota.ts";
import { sealProbe } from "./seal_probe.ts";
import { checkEnvelopeHead } from "./envelope_head.ts";
import { UploadGate } from "./upload_gate.ts";
import { DEFAULT_QUOTA, type Principal, TokenStore } from "./tokens.ts";

/** Service limits (all have defaults). */
export interface ServiceConfig {
  /** Largest request body (bytes). Default: what the largest plan's request needs, plus 25%. */
  maxBodyBytes?: number;
  /** Evaluations (and key registrations) at once. Default 1 (SEAL is single-threaded). */
  concurrency?: number;
  /** Requests waiting for a slot before 503. Default 8. */
  queue?: number;
  /** Per-request time limit (ms), waiting included. Default 60 000. */
  timeoutMs?: number;
  /** Lifetime of uploaded keys (ms). Default 24 h. */
  keyTtlMs?: number;
  /** Loaded key sets kept in memory. Default 8. */
  keyCacheEntries?: number;
  /** Cap on SEAL's heap (bytes). Default 3 GiB (SEAL's WebAssembly heap ends at 4 GiB). */
  maxHeapBytes?: number;
  /** Time for a request body to arrive in full (ms). Default 30 000. */
  bodyTimeoutMs?: number;
  /**
   * Bytes of request bodies being received at once, by everyone (503 + Retry-After beyond).
   * Default four times the largest body (a multipart classification: inputs and keys); at least
   * that body.
   */
  maxInflightBodyBytes?: number;
  /** Uploads in progress at once per token (429 + Retry-After beyond). Default 16. */
  maxUploadsPerToken?: number;
  /** Time /healthz allows SEAL's probe (ms). Default 2 000. */
  healthDeadlineMs?: number;
  /** Whether POST routes need a bearer token. Default true. */
  auth?: boolean;
  /** The quota of everyone when auth is off (one shared principal). Default the token default. */
  anonymousQuota?: Quota;
  /**
   * Serve a head trained with seeded (replayable) DP noise, marked not private in
   * `GET /v1/model`. Default false: such a model is refused with a {@linkcode SeededNoiseError}.
   */
  allowSeededNoise?: boolean;
}

/** Keys held for one evaluation (none when the plan needs no evaluation keys). */
interface Lease {
  keys: EvaluationKeys | null;
  release(): void;
}

/** Result of one classification. */
export interface ClassifyResult {
  body: Uint8Array;
  plan: PlanServer;
  queries: number;
  serverMs: number;
  /** The cost model's expectation for this plan and query count. */
  estimatedMs: number;
}

/** What the service warns about when authentication is off. */
export const AUTH_OFF_WARNING =
  "FCN_AUTH=off: anyone who can reach this server may register keys and classify (one shared quota); for local experiments only";

const DEFAULTS = {
  concurrency: 1,
  queue: 8,
  timeoutMs: 60_000,
  keyTtlMs: 24 * 3600_000,
  keyCacheEntries: 8,
  maxHeapBytes: 3 * 1024 ** 3,
  bodyTimeoutMs: 30_000,
  healthDeadlineMs: 2_000,
  maxUploadsPerToken: 16,
};

function positive(config: ServiceConfig): Required<typeof DEFAULTS> {
  const out = { ...DEFAULTS };
  for (const k of Object.keys(DEFAULTS) as (keyof typeof DEFAULTS)[]) {
    const v = config[k];
    if (v === undefined) continue;
    const min = k === "queue" ? 0 : 1;
    if (!Number.isSafeInteger(v) || v < min) {
      throw new RangeError(`${k}: expected an integer of at least ${min}, received ${v}`);
    }
    out[k] = v;
  }
  if (out.maxHeapBytes > SEAL_HEAP_MAX_BYTES) {
    throw new RangeError(
      `maxHeapBytes: expected at most SEAL's ${SEAL_HEAP_MAX_BYTES}-byte heap, received ${out.maxHeapBytes}`,
    );
  }
  return out;
}

/** The model, its plans and the machinery to evaluate requests. */
export class HeadService {
  readonly limiter: EvaluationLimiter;
  readonly maxBodyBytes: number;
  /** Largest key upload (bytes): every key of every modulus of the most demanding plan. */
  readonly maxKeyBytes: number;
  readonly limits: Required<typeof DEFAULTS>;
  readonly auth: boolean;
  readonly tokens: TokenStore;
  readonly quotas: QuotaStore;
  readonly heap: HeapBudget;
  /** Admission of request bodies: bytes received at once, uploads per token. */
  readonly uploads: UploadGate;
  /** Each plan's own largest request and key upload (bytes), by parameter hash. */
  private readonly planLimits: Map<string, { request: number; keys: number }>;
  private readonly anonymous: Principal;
  private readonly keyStore: KvKeyStore;
  private readonly keyCache: KeyCache;
  private constructor(
    readonly model: QuantizedModel,
    readonly net: Network,
    readonly modelId: string,
    readonly plans: PlanServer[],
    kv: Deno.Kv,
    config: ServiceConfig,
    limits: Required<typeof DEFAULTS>,
    heap: HeapBudget,
  ) {
    this.limits = limits;
    this.heap = heap;
    this.auth = config.auth ?? true;
    this.anonymous = {
      id: "anonymous",
      name: "anonymous (FCN_AUTH=off)",
      quota: config.anonymousQuota ?? { ...DEFAULT_QUOTA },
    };
    this.tokens = new TokenStore(kv);
    this.quotas = new QuotaStore(kv);
    this.keyStore = new KvKeyStore(kv, limits.keyTtlMs);
    this.keyCache = new KeyCache(limits.keyCacheEntries);
    this.limiter = new EvaluationLimiter({
      concurrency: limits.concurrency,
      queue: limits.queue,
      retryAfterSeconds: 2,
    });
    const needs = plans.map((p) => p.requestBytes);
    const keyNeeds = plans.map((p) => p.keyBytes);
    const need = Math.max(...needs);
    this.maxBodyBytes = config.maxBodyBytes ?? Math.ceil(need * 1.25) + 65536;
    this.maxKeyBytes = Math.max(...keyNeeds) + 65536;
    this.planLimits = new Map(plans.map((p, i) => [p.spec.hash, {
      request: Math.min(this.maxBodyBytes, Math.ceil(needs[i] * 1.25) + 65536),
      keys: keyNeeds[i] + 65536,
    }]));
    const largest = this.maxBodyBytes + this.maxKeyBytes;
    const inflight = config.maxInflightBodyBytes ?? 4 * largest;
    if (inflight < largest) {
      throw new RangeError(
        `FCN_MAX_INFLIGHT_BODY_BYTES: expected at least the largest body (${largest} bytes: inputs and keys), received ${inflight}`,
      );
    }
    this.uploads = new UploadGate({
      maxBytes: inflight,
      perToken: limits.maxUploadsPerToken,
      retryAfterSeconds: 2,
    });
  }

  /** Validates the model and the limits, and chooses plans. */
  static async create(
    model: QuantizedModel,
    kv: Deno.Kv,
    config: ServiceConfig = {},
  ): Promise<HeadService> {
    const limits = positive(config);
    const seal = await loadSeal();
    const checked = parseModel(model);
    checkNoiseSource(checked, { allowSeededNoise: config.allowSeededNoise ?? false });
    const net = compileModel(checked);
    const modelId = await sha256Hex(new TextEncoder().encode(JSON.stringify(checked)));
    const plans = await prepareServedPlans(net);
    try {
      const heap = new HeapBudget(limits.maxHeapBytes, seal.heapBytes());
      return new HeadService(checked, net, modelId, plans, kv, config, limits, heap);
    } catch (e) {
      plans.forEach((p) => p.close());
      throw e;
    }
  }

  /** `GET /v1/model`. */
  describe(): ModelDescription {
    const l = this.limits;
    return {
      ...describeModel(this.model, this.net, this.modelId, describePlans(this.specs), {
        max_body_bytes: this.maxBodyBytes,
        max_key_bytes: this.maxKeyBytes,
        max_concurrent: l.concurrency,
        max_queue: l.queue,
        timeout_ms: l.timeoutMs,
        key_ttl_seconds: Math.round(l.keyTtlMs / 1000),
        body_timeout_ms: l.bodyTimeoutMs,
        max_heap_bytes: l.maxHeapBytes,
      }),
      auth: {
        mode: this.auth ? "bearer" : "off",
        ...(this.auth ? {} : { warning: AUTH_OFF_WARNING }),
        default_quota: this.auth ? { ...DEFAULT_QUOTA } : this.anonymous.quota,
        query_cost: Object.fromEntries(
          this.plans.map((
            p,
          ) => [p.name, definition(p.spec.kind).chargedPerQuery ? "per-query" : 1]),
        ),
      },
    };
  }

  /**
   * The principal of a request (from its Authorization header), counted against its requests
   * per minute.
   *
   * @throws {ApiError} 401 without a valid token, 429 beyond the rate.
   */
  async authenticate(authorization: string | undefined): Promise<Principal> {
    let p = this.anonymous;
    if (this.auth) {
      const m = /^bearer\s+(\S{1,200})\s*$/i.exec(authorization ?? "");
      const found = m ? await this.tokens.verify(m[1]) : null;
      if (!found) {
        throw new ApiError(
          401,
          "unauthorized",
          authorization
            ? "expected a valid token (Authorization: Bearer fcn_...), received an unknown, revoked or malformed one"
            : "expected an Authorization: Bearer <token> header (create one with `deno task token create`), received none",
          { "WWW-Authenticate": 'Bearer realm="faster-cryptonets"' },
        );
      }
      p = found;
    }
    await this.quotas.countRequest(p);
    return p;
  }

  /** The plans' specs, in GET /v1/model order. */
  get specs(): PlanSpec[] {
    return this.plans.map((p) => p.spec);
  }

  /** The plan an envelope names (its header's parameter hash). */
  planOf(envelope: Uint8Array): PlanServer {
    let hash: string;
    try {
      hash = peekEnvelope(envelope).paramsHash;
    } catch (e) {
      throw e instanceof EnvelopeError ? fromEnvelopeError(e) : e;
    }
    const plan = this.plans.find((p) => p.spec.hash === hash);
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

  /**
   * Checks an envelope's 52-byte header as soon as it arrives (magic, version, `kind`, a served
   * plan, a declared length equal to `declared`, the Content-Length) and returns the largest
   * body the request may have: its plan's own limit.
   *
   * @throws {ApiError} with the code the whole body would have been refused with.
   */
  envelopeLimit(head: Uint8Array, kind: "ciphertexts" | "keys", declared: number | null): number {
    return checkEnvelopeHead(head, {
      kind,
      declared,
      planOf: (h) => this.planOf(h),
      limitOf: (plan) => {
        const l = this.planLimits.get(plan.spec.hash)!;
        return { bytes: kind === "keys" ? l.keys : l.request, name: plan.name };
      },
    });
  }

  /** Runs `fn` under the limiter and the request deadline (503 + Retry-After when exceeded). */
  private async bounded<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const signal = AbortSignal.timeout(this.limits.timeoutMs);
    return await this.limiter.run(async () => {
      try {
        return await fn(signal);
      } catch (e) {
        if (
          signal.aborted && !(e instanceof ApiError) && !(e instanceof EnvelopeError) &&
          !(e instanceof MissingKeysError)
        ) {
          throw new ApiError(
            503,
            "timeout",
            `the request exceeded the ${this.limits.timeoutMs} ms limit`,
            { "Retry-After": "5" },
          );
        }
        throw e;
      }
    }, signal);
  }

  /** Reserves SEAL heap, first freeing idle cached keys if that makes room. */
  private reserveHeap(bytes: number, what: string): () => void {
    try {
      return this.heap.reserve(bytes, what);
    } catch (e) {
      if (!(e instanceof ApiError) || this.keyCache.size === 0) throw e;
      this.keyCache.clear();
      return this.heap.reserve(bytes, what);
    }
  }

  /**
   * `POST /v1/keys`: checks the keys' structure, computes their canonical id, loads them in SEAL
   * once (under the limiter, the deadline and the heap budget) to check them, and stores them
   * within the token's key quota.
   */
  async registerKeys(p: Principal, bytes: Uint8Array): Promise<KeysResponse> {
    const plan = this.planOf(bytes);
    return await this.bounded(async (signal) => {
      const blobs = await plan.decodeKeys(bytes, this.maxKeyBytes);
      const id = await canonicalKeyId(plan.spec.hash, blobs);
      // The quota counts the keys themselves, not how the envelope spelled them.
      const size = canonicalKeyBytes(blobs);
      let expires = await this.keyStore.expires(id);
      let created = false;
      if (expires === null) {
        signal.throwIfAborted();
        const release = this.reserveHeap(plan.keysHeapBytes(), "loading keys");
        try {
          using _keys = plan.loadKeys(blobs);
        } finally {
          release();
        }
        signal.throwIfAborted();
        // Within the token's quota before anything is written.
        await this.quotas.addKeys(p, id, size, Date.now() + this.limits.keyTtlMs);
        ({ created, expires } = await this.keyStore.put(id, plan.spec.hash, bytes));
      } else await this.quotas.addKeys(p, id, size, expires);
      return {
        key_id: id,
        plan: plan.name,
        created,
        bytes: bytes.length,
        expires_in_seconds: Math.max(0, Math.round((expires - Date.now()) / 1000)),
      };
    });
  }

  private async leaseKeys(
    p: Principal,
    plan: PlanServer,
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
      const keys = await plan.unpackKeys(inline, { maxBytes: this.maxKeyBytes, check: true });
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
    // Keys are used only by the tokens that registered them.
    const stored = await this.quotas.owns(p, keyId) ? await this.keyStore.get(keyId) : null;
    if (!stored) {
      throw new ApiError(
        404,
        "unknown-key-id",
        `no keys with id ${keyId.slice(0, 64)} registered by this token (expired, or never)`,
      );
    }
    if (stored.planHash !== plan.spec.hash) {
      throw new ApiError(
        422,
        "plan-mismatch",
        `key ${keyId.slice(0, 12)}... was registered for another plan than ${plan.name}`,
      );
    }
    return await this.keyCache.acquire(keyId, async () => {
      const release = this.reserveHeap(plan.keysHeapBytes(), "caching keys");
      try {
        return { keys: await plan.unpackKeys(stored.bytes, { check: false }), free: release };
      } catch (e) {
        release();
        throw e;
      }
    });
  }

  /** Queries a request is charged: what it asks the server to answer. */
  private chargedQueries(plan: PlanServer, body: Uint8Array): number {
    return definition(plan.spec.kind).chargedQueries(plan.spec, peekEnvelope(body));
  }

  /** `POST /v1/classify`: evaluates encrypted inputs and returns encrypted logits. */
  async classify(
    p: Principal,
    body: Uint8Array,
    keyId: string | null,
    inlineKeys: Uint8Array | null,
  ): Promise<ClassifyResult> {
    const plan = this.planOf(body);
    const queries = this.chargedQueries(plan, body);
    return await this.bounded(async (signal) => {
      const t0 = performance.now();
      const need = plan.heapBytes(queries) + (inlineKeys ? plan.keysHeapBytes() : 0);
      const release = this.reserveHeap(need, `a ${plan.name} request of ${queries} queries`);
      try {
        const lease = await this.leaseKeys(p, plan, keyId, inlineKeys);
        try {
          await this.quotas.chargeQueries(p, queries);
          const out = await plan.evaluate(body, lease.keys, {
            signal,
            maxBytes: this.maxBodyBytes,
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

  /** `GET /healthz`: a tiny SEAL operation within the deadline (false when it fails). */
  health(): { ok: boolean; ms: number; error?: string } {
    return sealProbe(this.plans, this.limits.healthDeadlineMs);
  }

  /** The planner's view of a plan: its name and the cost of its spec. */
  describePlanCost(p: PlanServer): PlanCandidate {
    return p.spec;
  }

  /** Frees SEAL objects (plans and cached keys). */
  close(): void {
    this.keyCache.clear();
    for (const p of this.plans) p.close();
  }
}
