import assert from "node:assert/strict";
import type { EvaluationKeys } from "../../lib/he-head/server.ts";
import { KeyCache, type LoadedKeys } from "../../lib/server/key_cache.ts";

/**
 * Keys whose disposal is recorded: the cache only ever calls `delete()` on them (the SEAL objects
 * themselves are exercised by the service tests), so a record of that call is what is observed.
 */
class Tracked {
  deleted = 0;
  freed = 0;
  loaded(): LoadedKeys {
    const keys = { delete: () => void this.deleted++ } as unknown as EvaluationKeys;
    return { keys, free: () => void this.freed++ };
  }
}

/** A load that finishes when the test says so. */
function deferredLoad(t: Tracked): { load: () => Promise<LoadedKeys>; finish: () => void } {
  const { promise, resolve } = Promise.withResolvers<LoadedKeys>();
  return { load: () => promise, finish: () => resolve(t.loaded()) };
}

Deno.test("KeyCache: a load finishing next to another's cannot be evicted before its waiter resumes", async () => {
  const cache = new KeyCache(1);
  const a = new Tracked(), b = new Tracked();
  const la = deferredLoad(a), lb = deferredLoad(b);
  const pa = cache.acquire("a", la.load), pb = cache.acquire("b", lb.load);
  // Both loads end in the same turn: b's entry is inserted (and the cache evicts) before a's
  // waiter has resumed.
  la.finish();
  lb.finish();
  const [leaseA, leaseB] = await Promise.all([pa, pb]);
  assert.equal(a.deleted, 0, "a's keys were freed while leased");
  assert.equal(b.deleted, 0, "b's keys were freed while leased");
  leaseA.release();
  leaseB.release();
  // Over the limit with both idle: one of them goes, freed exactly once.
  assert.equal(cache.size, 1);
  assert.equal(a.deleted + b.deleted, 1);
  assert.equal(a.freed + b.freed, 1);
  cache.clear();
  assert.deepEqual([a.deleted, b.deleted, a.freed, b.freed], [1, 1, 1, 1]);
});

Deno.test("KeyCache: every caller that joined a pending load holds a lease", async () => {
  const cache = new KeyCache(1);
  const a = new Tracked(), b = new Tracked();
  const la = deferredLoad(a), lb = deferredLoad(b);
  let loads = 0;
  const load = () => (loads++, la.load());
  const first = cache.acquire("a", load), second = cache.acquire("a", load);
  const pb = cache.acquire("b", lb.load);
  la.finish();
  lb.finish();
  const [l1, l2, leaseB] = await Promise.all([first, second, pb]);
  assert.equal(loads, 1);
  assert.equal(l1.keys, l2.keys);
  l1.release();
  l1.release(); // idempotent
  assert.equal(a.deleted, 0, "freed while the second caller still holds it");
  l2.release();
  leaseB.release();
  cache.clear();
  assert.deepEqual([a.deleted, b.deleted, a.freed, b.freed], [1, 1, 1, 1]);
});

Deno.test("KeyCache: a failed load rejects every waiter and the next acquire loads again", async () => {
  const cache = new KeyCache(2);
  const a = new Tracked();
  const { promise, reject } = Promise.withResolvers<LoadedKeys>();
  const p1 = cache.acquire("a", () => promise), p2 = cache.acquire("a", () => promise);
  reject(new Error("bad keys"));
  await assert.rejects(p1, /bad keys/);
  await assert.rejects(p2, /bad keys/);
  assert.equal(cache.size, 0);
  const lease = await cache.acquire("a", () => Promise.resolve(a.loaded()));
  lease.release();
  assert.equal(cache.size, 1);
  cache.clear();
  assert.equal(a.deleted, 1);
});
