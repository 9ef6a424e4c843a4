/**
 * The HTTP API between the client and the edge function: paths, headers, content types and the
 * JSON documents, shared by both sides.
 *
 * @module
 */
import type { InputSpec } from "../model/format.ts";
import type { PrivacyStatement } from "../model/privacy.ts";
import type { PlanDescriptionJson } from "../he-head/plans/describe.ts";

/** API version prefix. */
export const API_PREFIX = "/v1";

/** Paths of the API. */
export const PATHS = {
  model: "/v1/model",
  keys: "/v1/keys",
  classify: "/v1/classify",
  plan: "/v1/plan",
  health: "/healthz",
  openapi: "/openapi.json",
} as const;

/** Header carrying the client's bearer token (`Bearer fcn_...`) on POST routes. */
export const AUTH_HEADER = "authorization";
/** Environment variable the command-line clients read the token from. */
export const TOKEN_ENV = "FCN_TOKEN";
/** Every token starts with this prefix (then 43 base64url characters: 256 random bits). */
export const TOKEN_PREFIX = "fcn_";
/** Response header on 429 and 503 answers: seconds to wait before retrying. */
export const RETRY_AFTER_HEADER = "retry-after";

/** Header carrying the id of registered keys on a classify request. */
export const KEY_ID_HEADER = "x-key-id";
/** Response header: the plan that evaluated the request. */
export const PLAN_HEADER = "x-plan";
/** Response header: the cost model's expected time for the plan and query count (ms). */
export const PLAN_ESTIMATE_HEADER = "x-plan-estimate-ms";
/** Response header: server-side evaluation time (ms). */
export const SERVER_MS_HEADER = "x-server-ms";
/** Binary envelopes travel as this content type. */
export const ENVELOPE_TYPE = "application/octet-stream";

/** One offered plan, as the client sees it (declared by the plans: `PlanDescriptionJson`). */
export type PlanDescription = PlanDescriptionJson;

/** Architecture without weights. */
export interface LayerDescription {
  name: string;
  type: string;
  in_shape: number[];
  out_shape: number[];
  /** Nonzero / total weights (dense and conv2d). */
  nonzeros: number;
  weights: number;
  /** Activation kind, e.g. "relu-aq". */
  activation?: string;
}

/** `GET /v1/model`: what a client needs, and nothing secret (no weights). */
export interface ModelDescription {
  name: string;
  /** Hex SHA-256 of the model document. */
  model_id: string;
  input: InputSpec;
  classes: string[];
  /** Integer logits stand for `logit * 2^-output_scale_log2`. */
  output_scale_log2: number;
  architecture: LayerDescription[];
  extractor: { id: string; name?: string; feature_layer?: string } | null;
  /**
   * The DP claim and what it is worth: `private` is false for seeded noise or no claim (then
   * `note` says why); `not_covered` lists what the guarantee does not cover.
   */
  privacy: PrivacyStatement;
  accuracy: Record<string, number>;
  plans: PlanDescription[];
  limits: {
    max_body_bytes: number;
    max_key_bytes: number;
    max_concurrent: number;
    max_queue: number;
    timeout_ms: number;
    key_ttl_seconds: number;
    /** A body that has not arrived in full within this time is refused with 408. */
    body_timeout_ms: number;
    /** SEAL's heap budget: a request whose estimate does not fit is answered 503 + Retry-After. */
    max_heap_bytes: number;
  };
  /** Who may post, and the per-token quotas. */
  auth: AuthDescription;
}

/** Per-token limits; each one exceeded is answered 429 with Retry-After. */
export interface Quota {
  /** Authenticated requests (keys and classify) per minute. */
  requests_per_minute: number;
  /** Encrypted queries per UTC day, the model-extraction budget (see `query_cost`). */
  queries_per_day: number;
  /** Key sets stored at once (until they expire). */
  key_sets: number;
  /** Bytes of keys stored at once. */
  key_bytes: number;
}

/** How the server authenticates. */
export interface AuthDescription {
  /** `bearer`: POST routes need `Authorization: Bearer <token>`; `off`: open (experiments only). */
  mode: "bearer" | "off";
  /** Present when authentication is off. */
  warning?: string;
  /** The quota of tokens created without options (and of everyone when auth is off). */
  default_quota: Quota;
  /**
   * Queries charged per request by plan name: 1 (poly), or `per-query`: the request's declared
   * queries (simd: the slots beyond them are masked; packed: one ciphertext each).
   */
  query_cost: Record<string, 1 | "per-query">;
}

/** `POST /v1/keys` answer. */
export interface KeysResponse {
  key_id: string;
  plan: string;
  created: boolean;
  bytes: number;
  expires_in_seconds: number;
}

/** Every error answer. */
export interface ErrorBody {
  error: { code: string; message: string };
}
