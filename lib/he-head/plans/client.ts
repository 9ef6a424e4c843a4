/**
 * The client half of the plan interface (client-side: it holds the secret key). Each plan's
 * `client.ts` implements {@linkcode ClientHalf}; `lib/he-head/client.ts` registers them.
 *
 * @module
 */
import type { ClientKeys } from "../seal/client/keys.ts";
import type { SealContexts } from "../seal/context.ts";
import type { PlanSpec } from "./plan.ts";

/** Decrypted logits of a batch. */
export interface Decrypted {
  /** Whether `logits` are exact integers. */
  readonly exact: boolean;
  /** Exact integer logits `[query][class]` (exact plans), else null. */
  readonly logits: bigint[][] | null;
  /** `logit * 2^-output_scale_log2` (exact plans), or the decoded CKKS values. */
  readonly scores: number[][];
  /** BFV, when asked for: smallest noise budget left in the response (bits). */
  readonly noiseBudgetBits?: number;
}

/** Options of {@linkcode PlanClient.decrypt}. */
export interface DecryptOptions {
  /** Measure the smallest noise budget of the response (BFV; benchmarks). */
  readonly noiseBudget?: boolean;
}

/** The client half of one plan instance: holds the secret key. Free with `using` or `close()`. */
export interface PlanClient<S extends PlanSpec = PlanSpec> extends Disposable {
  /** The plan instance. */
  readonly spec: S;
  /** The secret-key material (tests and tools that craft their own ciphertexts). */
  readonly keys: ClientKeys<SealContexts>;
  /** Milliseconds key generation took when the half was opened (benchmarks). */
  readonly keygenMs: number;
  /** The keys envelope for POST /v1/keys, or null when the plan needs no evaluation keys. */
  evaluationKeys(): Promise<Uint8Array | null>;
  /** Encodes and encrypts `queries` rows of quantized features (row-major) into an envelope. */
  encrypt(features: ArrayLike<number>, queries: number): Promise<Uint8Array<ArrayBuffer>>;
  /** Opens a results envelope: decrypts and decodes (CRT, value at 2, scales). */
  decrypt(response: Uint8Array, queries: number, options?: DecryptOptions): Promise<Decrypted>;
  /** Frees the keys and contexts. */
  close(): void;
}

/** Options of {@linkcode ClientHalf.open}. */
export interface OpenOptions {
  /**
   * The secret keys to use, one SEAL serialization per plaintext modulus (test vectors), instead
   * of fresh ones.
   */
  readonly secretKeys?: readonly Uint8Array[];
}

/** How a plan opens its client half. */
export interface ClientHalf<S extends PlanSpec = PlanSpec> {
  /** Generates keys for the spec (secret key, and the evaluation keys it needs). */
  open(spec: S, options?: OpenOptions): Promise<PlanClient<S>>;
}
