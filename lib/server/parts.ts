/**
 * What key registration and classification use of the service: its stores, its limits and the
 * three guards every evaluation runs under (the plan an envelope names, the limiter with the
 * request deadline, SEAL's heap budget).
 *
 * @module
 */
import type { PlanServer } from "../he-head/server.ts";
import type { KeyCache } from "./key_cache.ts";
import type { KvKeyStore } from "./key_store.ts";
import type { ServiceLimits } from "./limits.ts";
import type { QuotaStore } from "./quota.ts";

/** The service's parts, as the request handlers see them. */
export interface ServiceParts {
  readonly limits: ServiceLimits;
  /** Largest request body (bytes). */
  readonly maxBodyBytes: number;
  /** Largest key upload (bytes). */
  readonly maxKeyBytes: number;
  readonly quotas: QuotaStore;
  readonly keyStore: KvKeyStore;
  readonly keyCache: KeyCache;
  /** The served plan an envelope names (422 `unknown-plan` otherwise). */
  planOf(envelope: Uint8Array): PlanServer;
  /** Runs `fn` under the limiter and the request deadline (503 + Retry-After when exceeded). */
  bounded<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T>;
  /** Reserves SEAL heap (503 when it does not fit); returns the release. */
  reserveHeap(bytes: number, what: string): () => void;
}
