/**
 * The head service behind the HTTP routes: the model, its plans, tokens and quotas, the key store
 * and cache, the evaluation limiter, SEAL's heap budget and the upload gate. It only ever
 * evaluates: no secret key, no decryption. Key registration (`register_keys.ts`), classification
 * (`classify.ts`), authentication (`principal.ts`) and the limits (`limits.ts`) are their own
 * modules; this class holds the state they share.
 *
 * @module
 */
import { compileModel, type Network } from "../model/network.ts";
import type { QuantizedModel } from "../model/format.ts";
import { parseModel } from "../model/parse.ts";
import { checkNoiseSource } from "../model/privacy.ts";
import {
  definition,
  describePlans,
  EnvelopeError,
  loadSeal,
  MissingKeysError,
  peekEnvelope,
  type PlanCandidate,
  type PlanSpec,
} from "../he-head/mod.ts";
import { type PlanServer, prepareServedPlans } from "../he-head/server.ts";
import type { KeysResponse, ModelDescription } from "../protocol/api.ts";
import { ApiError, fromEnvelopeError } from "../protocol/errors.ts";
import { classify, type ClassifyResult } from "./classify.ts";
import { HeapBudget } from "./heap.ts";
import { KeyCache } from "./key_cache.ts";
import { KvKeyStore, sha256Hex } from "./key_store.ts";
import { EvaluationLimiter } from "./limiter.ts";
import {
  type BodyLimits,
  bodyLimits,
  checkLimits,
  type ServiceConfig,
  type ServiceLimits,
} from "./limits.ts";
import { describeModel } from "./describe.ts";
import type { ServiceParts } from "./parts.ts";
import { anonymousPrincipal, AUTH_OFF_WARNING, authenticate } from "./principal.ts";
import { QuotaStore } from "./quota.ts";
import { registerKeys } from "./register_keys.ts";
import { sealProbe } from "./seal_probe.ts";
import { checkEnvelopeHead } from "./envelope_head.ts";
import { UploadGate } from "./upload_gate.ts";
import { DEFAULT_QUOTA, type Principal, TokenStore } from "./tokens.ts";

/** The model, its plans and the machinery to evaluate requests. */
export class HeadService {
  /** Evaluations (and key registrations) at once, with a bounded queue. */
  readonly limiter: EvaluationLimiter;
  /** Largest request body (bytes): what the largest plan's request needs, plus 25%. */
  readonly maxBodyBytes: number;
  /** Largest key upload (bytes): every key of every modulus of the most demanding plan. */
  readonly maxKeyBytes: number;
  /** The numeric limits, defaults filled in. */
  readonly limits: ServiceLimits;
  /** Whether POST routes need a bearer token. */
  readonly auth: boolean;
  /** Bearer tokens (hashed, in Deno KV). */
  readonly tokens: TokenStore;
  /** SEAL's heap budget. */
  readonly heap: HeapBudget;
  /** Admission of request bodies: bytes received at once, uploads per token. */
  readonly uploads: UploadGate;
  /**
   * A random id of this instance (each `deno serve --parallel` worker and each process has its
   * own SEAL instance, limiter, heap budget and key cache; tokens, quotas and keys are shared
   * through KV). `GET /healthz` shows it.
   */
  readonly instance: string = Array.from(
    crypto.getRandomValues(new Uint8Array(4)),
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");
  private readonly bodies: BodyLimits;
  private readonly anonymous: Principal;
  private readonly quotas: QuotaStore;
  private readonly keyCache: KeyCache;
  private readonly parts: ServiceParts;
  private constructor(
    /** The served model, validated. */
    readonly model: QuantizedModel,
    /** The model compiled to the integer network. */
    readonly net: Network,
    /** Hex SHA-256 of the model's JSON. */
    readonly modelId: string,
    /** The served plans' server halves, in GET /v1/model order. */
    readonly plans: PlanServer[],
    kv: Deno.Kv,
    config: ServiceConfig,
    limits: ServiceLimits,
    heap: HeapBudget,
  ) {
    this.limits = limits;
    this.heap = heap;
    this.auth = config.auth ?? true;
    this.anonymous = anonymousPrincipal(config.anonymousQuota ?? { ...DEFAULT_QUOTA });
    this.tokens = new TokenStore(kv);
    this.quotas = new QuotaStore(kv);
    this.keyCache = new KeyCache(limits.keyCacheEntries);
    this.limiter = new EvaluationLimiter({
      concurrency: limits.concurrency,
      queue: limits.queue,
      retryAfterSeconds: 2,
    });
    this.bodies = bodyLimits(plans, config);
    this.maxBodyBytes = this.bodies.maxBodyBytes;
    this.maxKeyBytes = this.bodies.maxKeyBytes;
    this.uploads = new UploadGate({
      maxBytes: this.bodies.inflightBytes,
      perToken: limits.maxUploadsPerToken,
      retryAfterSeconds: 2,
    });
    this.parts = {
      limits,
      maxBodyBytes: this.maxBodyBytes,
      maxKeyBytes: this.maxKeyBytes,
      quotas: this.quotas,
      keyStore: new KvKeyStore(kv, limits.keyTtlMs),
      keyCache: this.keyCache,
      planOf: (envelope) => this.planOf(envelope),
      bounded: (fn) => this.bounded(fn),
      reserveHeap: (bytes, what) => this.reserveHeap(bytes, what),
    };
  }

  /** Validates the model and the limits, and chooses plans. */
  static async create(
    model: QuantizedModel,
    kv: Deno.Kv,
    config: ServiceConfig = {},
  ): Promise<HeadService> {
    const limits = checkLimits(config);
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
  authenticate(authorization: string | undefined): Promise<Principal> {
    const { auth, tokens, quotas, anonymous } = this;
    return authenticate({ auth, tokens, quotas, anonymous }, authorization);
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
        const l = this.bodies.perPlan.get(plan.spec.hash)!;
        return { bytes: { keys: l.keys, ciphertexts: l.request }[kind], name: plan.name };
      },
    });
  }

  /**
   * `POST /v1/keys`: checks the keys' structure, computes their canonical id, loads them in SEAL
   * once (under the limiter, the deadline and the heap budget) to check them, and stores them
   * within the token's key quota.
   */
  registerKeys(p: Principal, bytes: Uint8Array): Promise<KeysResponse> {
    return registerKeys(this.parts, p, bytes);
  }

  /** `POST /v1/classify`: evaluates encrypted inputs and returns encrypted logits. */
  classify(
    p: Principal,
    body: Uint8Array,
    keyId: string | null,
    inlineKeys: Uint8Array | null,
  ): Promise<ClassifyResult> {
    return classify(this.parts, p, body, keyId, inlineKeys);
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
