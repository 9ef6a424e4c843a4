/**
 * The plan interface, shared by both sides. A plan is one way of encrypting a query and
 * evaluating the head on it (BFV poly, BFV simd, CKKS packed, ...): a shared definition
 * ({@linkcode PlanDefinition}: parameters, cost, description), a client half (keys,
 * encode/encrypt, decrypt/decode; `client.ts`) and a server half (prepare, evaluate;
 * `server.ts`). A {@linkcode PlanSpec} is one plan instance as plain data, equal to its entry of
 * `GET /v1/model`.
 *
 * @module
 */
import type { Network } from "../../model/network.ts";
import type { LayerHops } from "../engine/hops.ts";
import type { EnvelopeHeader } from "../wire/envelope.ts";
import type { PlanDescriptionJson } from "./describe.ts";

/** Fields every scheme's parameter set has. */
export interface SchemeParams {
  /** The SEAL scheme. */
  readonly scheme: "bfv" | "ckks";
  /** Ring degree n. */
  readonly polyModulusDegree: number;
  /** Bit sizes of the coefficient-modulus primes. */
  readonly coeffModulusBits: readonly number[];
  /** Classical security level in bits. */
  readonly securityLevel: 128;
}

/** Evaluation keys the client registers (POST /v1/keys) for a plan. */
export interface KeyNeeds {
  /** Relinearisation keys (any ciphertext multiplication). */
  readonly relin: boolean;
  /** Rotation steps that need Galois keys. */
  readonly galoisSteps: readonly number[];
  /** Flooded plans re-randomise answers with the client's public key. */
  readonly publicKey: boolean;
}

/** The planner's view of a plan: one cost, read by the server and the client alike. */
export interface PlanCost {
  /** Expected ms of one evaluation: HOPs x measured per-operation costs. */
  readonly estimatedMs: number;
  /** Queries one evaluation answers (simd: the slots; poly, packed: 1). */
  readonly queriesPerEvaluation: number;
  /** Queries one request may carry. */
  readonly maxQueries: number;
  /** Bit-exact with the integer head. */
  readonly exact: boolean;
  /** Whether the client must register evaluation keys. */
  readonly needsKeys: boolean;
}

/** How a plan is instantiated. */
export interface PlanOptions {
  /** BFV: the circuit-private variant (own parameters, hash and name). */
  readonly flooded?: boolean;
  /** BFV: mask answers (default true; false only to measure what masking costs). */
  readonly masked?: boolean;
  /**
   * `ckks_network`: `"direct"` makes one Galois key per rotation amount (the layout before the
   * key budget, kept to measure against); default: the fewest rotations within the key budget.
   */
  readonly rotationKeys?: "direct" | "budget";
}

/** The network facts both halves need (from the model, or from GET /v1/model). */
export interface HeadShape {
  /** Features per query. */
  readonly inputs: number;
  /** Logits per query. */
  readonly outputs: number;
  /** Smallest quantized feature. */
  readonly inputMin: number;
  /** Largest quantized feature. */
  readonly inputMax: number;
  /** Integer logits stand for `logit * 2^-outputScaleLog2`. */
  readonly outputScaleLog2: number;
}

/** What a plan's answers hide. */
export interface PlanPrivacy {
  /** Whether answers reveal the logits and nothing else (up to statistical distance 2^-40). */
  readonly circuitPrivate: boolean;
  /** One line: what the answers hide and what they do not. */
  readonly note: string;
}

/**
 * One plan instance as both sides see it: plain data (no SEAL object). `P` is the scheme's
 * parameter set, `X` the plan's own facts.
 */
export interface PlanSpec<P extends SchemeParams = SchemeParams, X = unknown> {
  /** Registry key of its definition. */
  readonly kind: string;
  /** Self-describing preset name, e.g. `bfv_n4096_t2x17_poly`. */
  readonly name: string;
  /** Its `encoding` in GET /v1/model. */
  readonly encoding: "poly" | "simd" | "packed" | "bfv-packed" | "bfv-wide";
  /** The scheme's parameters. */
  readonly params: P;
  /** Hex SHA-256 of the canonical parameters: the identity every envelope carries. */
  readonly hash: string;
  /** The options it was made with. */
  readonly options: PlanOptions;
  /** The name of the plan this one is a variant of (flooded plans), else null. */
  readonly variantOf: string | null;
  /** The network facts. */
  readonly shape: HeadShape;
  /** Evaluation keys it needs. */
  readonly keys: KeyNeeds;
  /** The planner's view. */
  readonly cost: PlanCost;
  /** HOPs per layer (per plaintext modulus for BFV; the whole form for packed). */
  readonly hops: readonly LayerHops[];
  /** What its answers hide. */
  readonly privacy: PlanPrivacy;
  /** The plan's own facts. */
  readonly extra: X;
}

/** A plan's shared definition: one row of the registry. */
export interface PlanDefinition<P extends SchemeParams = SchemeParams, X = unknown> {
  /** Registry key. */
  readonly kind: string;
  /** The SEAL scheme. */
  readonly scheme: P["scheme"];
  /** Its `encoding` in GET /v1/model. */
  readonly encoding: "poly" | "simd" | "packed" | "bfv-packed" | "bfv-wide";
  /** Whether its answers equal the integer head bit for bit. */
  readonly exact: boolean;
  /** Whether a request is charged its declared queries (else 1 per request). */
  readonly chargedPerQuery: boolean;
  /**
   * Parameters for `net` (analysis, preset choice, cost), or null when the plan does not fit it.
   * May build and free a SEAL context.
   */
  plan(net: Network, options?: PlanOptions): Promise<PlanSpec<P, X> | null>;
  /** Checks parameters received from elsewhere (TypeError naming the field). */
  validateParams(v: unknown): P;
  /** Its entry of GET /v1/model (without a nested flooded variant). */
  describe(spec: PlanSpec<P, X>): PlanDescriptionJson;
  /** Back from the description: a client builds its half from the description alone. */
  fromDescription(d: PlanDescriptionJson, shape: HeadShape): PlanSpec<P, X>;
  /** Queries a request is charged against the token's quota, from the envelope header alone. */
  chargedQueries(spec: PlanSpec<P, X>, header: EnvelopeHeader): number;
}

/** The network facts of a compiled head. */
export function headShape(net: Network): HeadShape {
  return {
    inputs: net.inputSize,
    outputs: net.outputSize,
    inputMin: net.inputMin,
    inputMax: net.inputMax,
    outputScaleLog2: net.outputScale,
  };
}

/** Whether a plan needs any evaluation key. */
export function needsKeys(k: KeyNeeds): boolean {
  return k.relin || k.publicKey || k.galoisSteps.length > 0;
}

/**
 * `chargedQueries` of the plans with one ciphertext per query: the request's ciphertext count
 * (clamped to `[1, maxQueries]`), or 1 when the header declares no queries.
 */
export function chargedPerCiphertext(spec: PlanSpec, header: EnvelopeHeader): number {
  if (header.queries === null || header.count === null) return 1;
  return Math.min(Math.max(header.count, 1), spec.cost.maxQueries);
}
