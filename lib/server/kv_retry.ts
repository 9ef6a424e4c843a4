/**
 * Deno KV writes that wait for the store instead of failing: over the embedded SQLite store,
 * several processes or `deno serve --parallel` workers share one database file, and a write that
 * meets another's lock fails at once with "database is locked". The write is retried after a
 * short random pause; if the store stays locked, the request is refused with 503 and Retry-After
 * (never a 500).
 *
 * @example
 * ```ts
 * import { kvWrite } from "./kv_retry.ts";
 * const kv = await Deno.openKv(":memory:");
 * await kvWrite(() => kv.set(["a"], 1));
 * kv.close();
 * ```
 *
 * @module
 */
import { ApiError } from "../protocol/errors.ts";

/** Attempts before a locked store is reported as busy (about 2 s of pauses in all). */
const ATTEMPTS = 60;

/** Whether `e` is SQLite's refusal to write while another connection holds the lock. */
function isLocked(e: unknown): boolean {
  return e instanceof Error && /database is (locked|busy)/i.test(e.message);
}

/**
 * Runs a KV operation (a commit, a set), retrying while the store is locked by another writer.
 *
 * @throws {ApiError} 503 `busy` with Retry-After when it stays locked; any other error as is.
 */
export async function kvWrite<T>(op: () => Promise<T>): Promise<T> {
  for (let i = 0;; i++) {
    try {
      return await op();
    } catch (e) {
      if (!isLocked(e)) throw e;
      if (i + 1 >= ATTEMPTS) {
        throw new ApiError(503, "busy", "the key-value store is locked by other writers; retry", {
          "Retry-After": "1",
        });
      }
      await new Promise((r) => setTimeout(r, 1 + Math.random() * Math.min(64, 2 ** i)));
    }
  }
}
