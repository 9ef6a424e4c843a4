/**
 * Per-token limits kept in Deno KV, each answered 429 with Retry-After: requests per minute and
 * encrypted queries per UTC day (fixed windows), and the key sets and key bytes a token stores
 * (an index of its key ids that expires with the keys). Every change is an atomic
 * check-and-set, so concurrent requests (or isolates) never overshoot a limit.
 *
 * @module
 */
import { ApiError } from "../protocol/errors.ts";
import { kvWrite } from "./kv_retry.ts";
import type { Principal } from "./tokens.ts";

/** A key set a token stores, as its quota counts it. */
export interface Owned {
  /** Canonical size of the keys (bytes). */
  bytes: number;
  /** Expiry of the keys (ms since the epoch). */
  expires: number;
}

const MINUTE = 60_000;
const DAY = 86_400_000;
const ATTEMPTS = 32;

function tooMany(p: Principal, message: string, retryMs: number): ApiError {
  const seconds = Math.max(1, Math.ceil(retryMs / 1000));
  return new ApiError(429, "quota-exceeded", `token ${p.name}: ${message}; retry in ${seconds} s`, {
    "Retry-After": String(seconds),
  });
}

/** The quota ledger of every principal. */
export class QuotaStore {
  /**
   * A ledger in `kv`.
   *
   * @param now the clock (tests move it)
   */
  constructor(private readonly kv: Deno.Kv, private readonly now: () => number = Date.now) {}

  /** Adds `by` to a counter that ends at `windowEnd`, refusing beyond `limit`. */
  private async bump(
    key: Deno.KvKey,
    by: number,
    limit: number,
    windowEnd: number,
    refuse: (used: number) => ApiError,
  ): Promise<number> {
    for (let i = 0; i < ATTEMPTS; i++) {
      const entry = await this.kv.get<number>(key);
      const used = entry.value ?? 0;
      if (used + by > limit) throw refuse(used);
      const res = await kvWrite(() =>
        this.kv.atomic().check(entry).set(key, used + by, {
          expireIn: Math.max(1000, windowEnd - this.now()) + MINUTE,
        }).commit()
      );
      if (res.ok) return used + by;
    }
    throw new ApiError(503, "busy", "the quota ledger is contended; retry", { "Retry-After": "1" });
  }

  /**
   * Counts one request against the token's requests per minute.
   *
   * @throws {ApiError} 429 with Retry-After (the end of the minute) beyond the limit.
   */
  async countRequest(p: Principal): Promise<void> {
    const now = this.now();
    const window = Math.floor(now / MINUTE);
    const end = (window + 1) * MINUTE;
    await this.bump(
      ["fcn", "usage", p.id, "minute", window],
      1,
      p.quota.requests_per_minute,
      end,
      () =>
        tooMany(
          p,
          `expected at most ${p.quota.requests_per_minute} requests per minute, received more`,
          end - now,
        ),
    );
  }

  /**
   * Charges `queries` encrypted queries to the token's daily budget.
   *
   * @throws {ApiError} 429 with Retry-After (the next UTC day) when they do not fit.
   */
  async chargeQueries(p: Principal, queries: number): Promise<void> {
    const now = this.now();
    const day = Math.floor(now / DAY);
    const end = (day + 1) * DAY;
    await this.bump(
      ["fcn", "usage", p.id, "day", day],
      queries,
      p.quota.queries_per_day,
      end,
      (used) =>
        tooMany(
          p,
          `expected at most ${p.quota.queries_per_day} encrypted queries per day; ${used} used, this request needs ${queries}`,
          end - now,
        ),
    );
  }

  /** Queries charged today and requests this minute. */
  async usage(p: Pick<Principal, "id">): Promise<{ minute: number; day: number; keys: Owned[] }> {
    const now = this.now();
    const [minute, day] = await this.kv.getMany<number[]>([
      ["fcn", "usage", p.id, "minute", Math.floor(now / MINUTE)],
      ["fcn", "usage", p.id, "day", Math.floor(now / DAY)],
    ]);
    return { minute: minute.value ?? 0, day: day.value ?? 0, keys: await this.owned(p) };
  }

  /** The key sets `p` stores now (unexpired). */
  private async owned(p: Pick<Principal, "id">): Promise<(Owned & { id: string })[]> {
    const now = this.now();
    const out: (Owned & { id: string })[] = [];
    // KV deletes expired entries eventually, not at once: the stored expiry decides.
    for await (const e of this.kv.list<Owned>({ prefix: ["fcn", "owned", p.id] })) {
      if (e.value.expires > now) out.push({ ...e.value, id: String(e.key[3]) });
    }
    return out;
  }

  /**
   * Records that the token stores keys `keyId` (idempotent), within its key sets and key bytes.
   *
   * @throws {ApiError} 429 with Retry-After (when its oldest keys expire) beyond either limit.
   */
  async addKeys(p: Principal, keyId: string, bytes: number, expires: number): Promise<void> {
    const version: Deno.KvKey = ["fcn", "owned-version", p.id];
    for (let i = 0; i < ATTEMPTS; i++) {
      const v = await this.kv.get<number>(version);
      const owned = await this.owned(p);
      if (owned.some((o) => o.id === keyId)) return;
      const sets = owned.length + 1;
      const total = owned.reduce((s, o) => s + o.bytes, 0) + bytes;
      if (sets > p.quota.key_sets || total > p.quota.key_bytes) {
        const soonest = Math.min(...owned.map((o) => o.expires), this.now() + MINUTE);
        throw tooMany(
          p,
          sets > p.quota.key_sets
            ? `expected at most ${p.quota.key_sets} stored key sets, this would be ${sets}`
            : `expected at most ${p.quota.key_bytes} bytes of stored keys, this would be ${total}`,
          soonest - this.now(),
        );
      }
      const res = await kvWrite(() =>
        this.kv.atomic()
          .check(v)
          .set(version, (v.value ?? 0) + 1)
          .set(["fcn", "owned", p.id, keyId], { bytes, expires } satisfies Owned, {
            expireIn: Math.max(1000, expires - this.now()),
          })
          .commit()
      );
      if (res.ok) return;
    }
    throw new ApiError(503, "busy", "the quota ledger is contended; retry", { "Retry-After": "1" });
  }

  /** Whether the token stores keys `keyId` (unexpired). */
  async owns(p: Pick<Principal, "id">, keyId: string): Promise<boolean> {
    const e = await this.kv.get<Owned>(["fcn", "owned", p.id, keyId]);
    return e.value !== null && e.value.expires > this.now();
  }
}
