/**
 * The HTTP API between the client and the edge function: paths, headers, content types and the
 * JSON documents, shared by both sides.
 *
 * @module
 */
import type { InputSpec } from "../model/format.ts";
import type { PreprocessingBlock } from "../model/preprocessing.ts";
import type { PrivacyStatement } from "../model/privacy.ts";
import type { PlanDescriptionJson } from "../he-head/plans/describe.ts";

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
  /** The layer's name in the model. */
  name: string;
  /** Its type (`dense`, `conv2d`, `activation`, ...). */
  type: string;
  /** Input shape. */
  in_shape: number[];
  /** Output shape. */
  out_shape: number[];
  /** Nonzero / total weights (dense and conv2d). */
  nonzeros: number;
  /** Total weights (dense and conv2d). */
  weights: number;
  /** Activation kind, e.g. "relu-aq". */
  activation?: string;
}

/** `GET /v1/model`: what a client needs, and nothing secret (no weights). */
export interface ModelDescription {
  /** The model's name. */
  name: string;
  /** Hex SHA-256 of the model document. */
  model_id: string;
  /** How features become the head's integer inputs. */
  input: InputSpec;
  /** Class labels, in logit order. */
  classes: string[];
  /** Integer logits stand for `logit * 2^-output_scale_log2`. */
  output_scale_log2: number;
  /** The layers, without weights. */
  architecture: LayerDescription[];
  /** The public feature extractor the head expects, or null. */
  extractor: { id: string; name?: string; feature_layer?: string } | null;
  /**
   * The model file's preprocessing block (extractor id, image preprocessing, public reduction)
   * that every client applies, or null for heads trained on the committed UCI extractor.
   */
  preprocessing: PreprocessingBlock | null;
  /**
   * The DP claim and what it is worth: `private` is false for seeded noise or no claim (then
   * `note` says why); `not_covered` lists what the guarantee does not cover.
   */
  privacy: PrivacyStatement;
  /** Measured accuracies by name (e.g. `quantized`). */
  accuracy: Record<string, number>;
  /** The offered plans (flooded variants nested under their base plan). */
  plans: PlanDescription[];
  /** The server's limits. */
  limits: {
    /** Largest request body (bytes). */
    max_body_bytes: number;
    /** Largest key upload (bytes). */
    max_key_bytes: number;
    /** Evaluations at once. */
    max_concurrent: number;
    /** Requests waiting for a slot before 503. */
    max_queue: number;
    /** Per-request time limit (ms), waiting included. */
    timeout_ms: number;
    /** Lifetime of registered keys (s). */
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
  /** The keys' canonical id (the `x-key-id` of classify requests). */
  key_id: string;
  /** The plan they are for. */
  plan: string;
  /** Whether they were stored now (201) or already were (200). */
  created: boolean;
  /** Size of the uploaded envelope (bytes). */
  bytes: number;
  /** Seconds until they expire. */
  expires_in_seconds: number;
}

/** Every error answer. */
export interface ErrorBody {
  /** A stable code and a message saying what was expected and what was received. */
  error: { code: string; message: string };
}
