/**
 * The JSON of one plan's entry of `GET /v1/model`, declared once: each plan's `describe` writes
 * it, its `fromDescription` reads it, and `lib/protocol/api.ts` re-exports it as
 * `PlanDescription`.
 *
 * @module
 */
import type { LayerHops } from "../engine/hops.ts";
import { batchingPrimes } from "../engine/primes.ts";
import type { HeParams } from "../schemes/bfv/bfv_params.ts";
import type { CkksParams } from "../schemes/ckks/ckks_params.ts";
import type { BfvPackedParams } from "../schemes/bfv/packed_params.ts";
import {
  type HeadShape,
  type KeyNeeds,
  needsKeys,
  type PlanOptions,
  type PlanSpec,
  type SchemeParams,
} from "./plan.ts";

/** The flooding noise of a flooded plan `[-2^flood_log2, 2^flood_log2)` and what it guarantees. */
export interface FloodingDescriptionJson {
  /** log2 of the statistical distance the flooding guarantees. */
  statistical_distance_log2: number;
  /** log2 of the bound on the answers' noise before flooding. */
  noise_bound_log2: number;
  /** log2 of the flooding noise's half-width. */
  flood_log2: number;
  /** Noise budget of the answers before flooding (bits). */
  budget_bits_before: number;
  /** Noise budget left after flooding (bits). */
  budget_bits_after: number;
}

/** One offered plan, as the client sees it. */
export interface PlanDescriptionJson {
  /** The plan's self-describing name. */
  name: string;
  /**
   * `poly` and `simd` are exact BFV plans; `packed` is one CKKS ciphertext per query;
   * `bfv-packed` one BFV ciphertext per query (exact); `bfv-wide` one BFV ciphertext per query
   * for wide heads (exact, answers are additive shares of the logits).
   */
  encoding: "poly" | "simd" | "packed" | "bfv-packed" | "bfv-wide";
  /** Whether results equal the integer head bit for bit (BFV) or approximate it (CKKS). */
  exact: boolean;
  /** The scheme's parameter set. */
  params: HeParams | CkksParams | BfvPackedParams;
  /** Hex SHA-256 of the parameters (the envelopes' identity). */
  params_hash: string;
  /** Queries one request may carry. */
  max_queries: number;
  /** Whether the client must register relinearisation keys. */
  needs_relin_keys: boolean;
  /** Rotation steps the client must register Galois keys for. */
  galois_steps: number[];
  /** HOPs per layer for one plaintext modulus. */
  hops: LayerHops[];
  /** Expected evaluation time (ms) under the server's cost table. */
  estimated_ms: number;
  /**
   * The coefficient modulus's primes as decimal strings, in SEAL's order (the last one is the
   * special prime, used by keys only): what `params.coeffModulusBits` stands for.
   */
  coeff_modulus_primes: string[];
  /** Primes removed from results before sending. */
  response_primes_dropped: number;
  /** packed: logits are this factor times the decrypted slots. */
  output_factor?: number;
  /** packed: bound on the absolute error of every decrypted logit. */
  error_bound?: number;
  /** bfv-wide: rows per class (the client adds them), squared rows, SEAL operations per query. */
  wide?: { rows_per_class: number; squared: boolean; ops: Record<string, number> };
  /** Whether the client must register its public key with its keys (flooded plans). */
  needs_public_key: boolean;
  /** Whether answers reveal the logits and nothing else (statistical distance <= 2^-40). */
  circuit_private: boolean;
  /** One line: what the answers hide and what they do not. */
  circuit_privacy: string;
  /** Flooded plans: the flooding noise and what it guarantees. */
  flooding?: FloodingDescriptionJson;
  /** BFV plans: the same plan with flooded answers (own parameters and hash), when offered. */
  flooded?: PlanDescriptionJson;
}

/**
 * The primes SEAL builds for `bits` in ring degree `n`, as decimal strings: BFV plans use
 * `CoeffModulus.BFVDefault(n, tc128)` (each bit size's primes largest first), CKKS plans
 * `CoeffModulus.Create(n, bits)` (SEAL hands out each bit size's primes smallest first). Every
 * prime is the largest (or next largest) `p = 1 (mod 2n)` of its bit size; a test checks the
 * result against SEAL.
 */
export function coeffModulusPrimes(scheme: "bfv" | "ckks", n: number, bits: number[]): string[] {
  const pools = new Map<number, bigint[]>();
  for (const b of new Set(bits)) {
    const largestFirst = batchingPrimes(n, b, bits.filter((x) => x === b).length);
    pools.set(b, scheme === "bfv" ? largestFirst : largestFirst.reverse());
  }
  return bits.map((b) => pools.get(b)!.shift()!.toString());
}

/**
 * The description fields every plan fills the same way from its spec (name, parameters and their
 * primes, keys, cost, HOPs, circuit privacy); each plan adds its own (`output_factor`, ...).
 */
export function describeSpec(
  spec: PlanSpec<HeParams | CkksParams | BfvPackedParams>,
  encoding: PlanDescriptionJson["encoding"],
  exact: boolean,
  responsePrimesDropped: number,
): PlanDescriptionJson {
  return {
    name: spec.name,
    encoding,
    exact,
    params: spec.params,
    params_hash: spec.hash,
    coeff_modulus_primes: coeffModulusPrimes(
      spec.params.scheme,
      spec.params.polyModulusDegree,
      spec.params.coeffModulusBits,
    ),
    max_queries: spec.cost.maxQueries,
    needs_relin_keys: spec.keys.relin,
    galois_steps: [...spec.keys.galoisSteps],
    hops: [...spec.hops],
    estimated_ms: spec.cost.estimatedMs,
    response_primes_dropped: responsePrimesDropped,
    needs_public_key: spec.keys.publicKey,
    circuit_private: spec.privacy.circuitPrivate,
    circuit_privacy: spec.privacy.note,
  };
}

/** What each plan's `fromDescription` reads its own way; {@linkcode specFromDescription} does the rest. */
export interface OwnSpecFields<P extends SchemeParams, X> {
  /** Registry key. */
  readonly kind: string;
  /** Its `encoding`. */
  readonly encoding: PlanSpec["encoding"];
  /** The parameters, validated. */
  readonly params: P;
  /** The options it was made with. */
  readonly options: PlanOptions;
  /** Whether answers are exact. */
  readonly exact: boolean;
  /** Queries one evaluation answers (default 1). */
  readonly queriesPerEvaluation?: number;
  /** The plan's own facts. */
  readonly extra: X;
}

/**
 * A plan instance back from its description: the fields every plan reads the same way (name, hash,
 * keys, cost, HOPs, circuit privacy) around the plan's own (`own`); the inverse of
 * {@linkcode describeSpec}.
 */
export function specFromDescription<P extends SchemeParams, X>(
  d: PlanDescriptionJson,
  shape: HeadShape,
  own: OwnSpecFields<P, X>,
): PlanSpec<P, X> {
  const keys: KeyNeeds = {
    relin: d.needs_relin_keys,
    galoisSteps: d.galois_steps,
    publicKey: d.needs_public_key,
  };
  return {
    kind: own.kind,
    name: d.name,
    encoding: own.encoding,
    params: own.params,
    hash: d.params_hash,
    options: own.options,
    variantOf: null,
    shape,
    keys,
    cost: {
      estimatedMs: d.estimated_ms,
      queriesPerEvaluation: own.queriesPerEvaluation ?? 1,
      maxQueries: d.max_queries,
      exact: own.exact,
      needsKeys: needsKeys(keys),
    },
    hops: d.hops,
    privacy: { circuitPrivate: d.circuit_private, note: d.circuit_privacy },
    extra: own.extra,
  };
}
