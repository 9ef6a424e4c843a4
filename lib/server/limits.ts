/**
 * The service's limits: the configuration (every field optional), its defaults and checks, and
 * the body limits that follow from the served plans (each plan's own largest request and key
 * upload, the routes' largest, and the cap on bytes being received at once).
 *
 * @module
 */
import { SEAL_HEAP_MAX_BYTES } from "../he-head/mod.ts";
import type { PlanServer } from "../he-head/server.ts";
import type { Quota } from "../protocol/api.ts";

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

/** Defaults of the numeric limits. */
export const DEFAULT_LIMITS = {
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

/** The numeric limits, defaults filled in. */
export type ServiceLimits = Required<typeof DEFAULT_LIMITS>;

/**
 * The numeric limits of `config`, checked: integers of at least 1 (`queue`: 0), the heap cap
 * within SEAL's heap.
 *
 * @throws {RangeError} naming the first bad field.
 */
export function checkLimits(config: ServiceConfig): ServiceLimits {
  const out = { ...DEFAULT_LIMITS };
  for (const k of Object.keys(DEFAULT_LIMITS) as (keyof typeof DEFAULT_LIMITS)[]) {
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

/** The body limits that follow from the served plans. */
export interface BodyLimits {
  /** Largest request body (the classify route). */
  maxBodyBytes: number;
  /** Largest key upload (bytes): every key of every modulus of the most demanding plan. */
  maxKeyBytes: number;
  /** Each plan's own largest request and key upload (bytes), by parameter hash. */
  perPlan: Map<string, { request: number; keys: number }>;
  /** Bytes of request bodies being received at once. */
  inflightBytes: number;
}

/**
 * Body limits for `plans`: a request may be its plan's need plus 25% and 64 KiB (at most
 * `config.maxBodyBytes`), keys their plan's need plus 64 KiB.
 *
 * @throws {RangeError} when `config.maxInflightBodyBytes` is below the largest body.
 */
export function bodyLimits(plans: readonly PlanServer[], config: ServiceConfig): BodyLimits {
  const needs = plans.map((p) => p.requestBytes);
  const keyNeeds = plans.map((p) => p.keyBytes);
  const need = Math.max(...needs);
  const maxBodyBytes = config.maxBodyBytes ?? Math.ceil(need * 1.25) + 65536;
  const maxKeyBytes = Math.max(...keyNeeds) + 65536;
  const perPlan = new Map(plans.map((p, i) => [p.spec.hash, {
    request: Math.min(maxBodyBytes, Math.ceil(needs[i] * 1.25) + 65536),
    keys: keyNeeds[i] + 65536,
  }]));
  const largest = maxBodyBytes + maxKeyBytes;
  const inflight = config.maxInflightBodyBytes ?? 4 * largest;
  if (inflight < largest) {
    throw new RangeError(
      `FCN_MAX_INFLIGHT_BODY_BYTES: expected at least the largest body (${largest} bytes: inputs and keys), received ${inflight}`,
    );
  }
  return { maxBodyBytes, maxKeyBytes, perPlan, inflightBytes: inflight };
}
