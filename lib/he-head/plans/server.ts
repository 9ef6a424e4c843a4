/**
 * The server half of the plan interface (server-side: never a secret key). Each plan's
 * `server.ts` implements {@linkcode ServerHalf}; `lib/he-head/server.ts` registers them.
 *
 * @module
 */
import type { Network } from "../../model/network.ts";
import type { HopCounts } from "../engine/hops.ts";
import type { EvaluationKeys } from "../seal/server/evaluation_keys.ts";
import type { KeyBlobs } from "../wire/payloads.ts";
import type { PlanSpec } from "./plan.ts";

/** The response of one evaluation. */
export interface PlanOutput {
  /** The results envelope. */
  body: Uint8Array;
  /** Queries it answers. */
  queries: number;
  /** BFV plans, `ckks_network`: milliseconds of each stage (evaluate, mask, flood, pack). */
  stages?: StageTimes;
  /** `ckks_network`: the HOPs one evaluation counted as it ran (its spec plans none). */
  hops?: HopCounts;
}

/** Milliseconds spent in each stage of a BFV evaluation. */
export interface StageTimes {
  /** The encrypted evaluation. */
  evaluate_ms: number;
  /** Masking the answers (one plaintext addition per encrypted output). */
  mask_ms: number;
  /** Flooding the answers (0 for plans that do not flood). */
  flood_ms: number;
  /** Modulus switching and serialization of the response. */
  pack_ms: number;
  /** `bfv_wide`: milliseconds spent inside SEAL calls during `evaluate_ms` (the rest is JS). */
  seal_ms?: number;
}

/** Options of {@linkcode PlanServer.evaluate}. */
export interface EvaluateOptions {
  /** Aborts the evaluation (the request's deadline). */
  signal: AbortSignal;
  /** Largest request envelope accepted (bytes). */
  maxBytes: number;
}

/** The server half of one plan instance: contexts and prepared plaintexts. Free with `close()`. */
export interface PlanServer<S extends PlanSpec = PlanSpec> extends Disposable {
  /** The plan instance. */
  readonly spec: S;
  /** The plan's name (its spec's). */
  readonly name: string;
  /** SEAL payload bytes of the largest request this plan accepts (before envelope overhead). */
  readonly requestBytes: number;
  /** SEAL payload bytes of a full key upload for this plan (before envelope overhead). */
  readonly keyBytes: number;
  /** SEAL heap one evaluation of `queries` queries holds. */
  heapBytes(queries: number): number;
  /** SEAL heap of the plan's evaluation keys once loaded. */
  keysHeapBytes(): number;
  /** Structure check of a keys envelope, without SEAL. */
  decodeKeys(bytes: Uint8Array, maxBytes: number): Promise<KeyBlobs[]>;
  /** Loads checked keys into SEAL; throws MissingKeysError naming what the plan lacks. */
  loadKeys(blobs: KeyBlobs[]): EvaluationKeys;
  /**
   * Decodes and loads a keys envelope; with `check`, throws MissingKeysError naming what the
   * plan lacks (keys are freed then).
   */
  unpackKeys(bytes: Uint8Array, options: { maxBytes?: number; check: boolean }): Promise<
    EvaluationKeys
  >;
  /**
   * Unpacks the request, evaluates (yielding, abortable), masks and floods the answers, shrinks
   * and packs them. Every SEAL object is freed on every path.
   */
  evaluate(
    request: Uint8Array,
    keys: EvaluationKeys | null,
    options: EvaluateOptions,
  ): Promise<PlanOutput>;
  /** A tiny SEAL round trip (batch encode and decode `values`); absent without a batch encoder. */
  readonly batchRoundTrip?: (values: readonly bigint[]) => bigint[];
  /** Frees the plan's SEAL objects. */
  close(): void;
}

/** How a plan builds its server half. */
export interface ServerHalf<S extends PlanSpec = PlanSpec> {
  /** Builds contexts and plaintexts once (server start-up). */
  prepare(spec: S, net: Network): Promise<PlanServer<S>>;
}
