/**
 * Loaded evaluation keys kept in memory between requests (loading relinearisation keys into SEAL
 * costs milliseconds). Entries are reference counted, so keys in use by an evaluation are never
 * freed under it; the least recently used idle entries are freed beyond the limit, each with its
 * `free` hook (the service returns their SEAL heap reservation).
 *
 * @module
 */
import type { EvaluationKeys } from "../he-head/server.ts";

/** Loaded keys and what to do once they are freed. */
export interface LoadedKeys {
  keys: EvaluationKeys;
  free(): void;
}

interface Entry extends LoadedKeys {
  refs: number;
  evicted: boolean;
}

/** A load under way and how many callers wait for it (each will hold a lease). */
interface Pending {
  promise: Promise<Entry>;
  waiters: number;
}

/** A lease on cached keys; call `release()` when the evaluation is done. */
export interface KeyLease {
  keys: EvaluationKeys;
  release(): void;
}

function dispose(e: Entry): void {
  e.keys.delete();
  e.free();
}

/** A reference-counted LRU of loaded keys. */
export class KeyCache {
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, Pending>();
  constructor(readonly maxEntries: number) {}

  /** Number of entries held. */
  get size(): number {
    return this.entries.size;
  }

  /**
   * Leases the keys with this id, loading them with `load` on a miss (callers that ask for the
   * same id meanwhile share the load). A loaded entry enters the cache already counting every
   * caller waiting for it, so no eviction can free it before they resume.
   */
  async acquire(id: string, load: () => Promise<LoadedKeys>): Promise<KeyLease> {
    let entry = this.entries.get(id);
    if (entry) {
      this.entries.delete(id);
      this.entries.set(id, entry);
      entry.refs++;
    } else {
      let pending = this.loading.get(id);
      if (!pending) pending = this.startLoad(id, load);
      pending.waiters++;
      entry = await pending.promise;
    }
    return this.lease(entry);
  }

  private startLoad(id: string, load: () => Promise<LoadedKeys>): Pending {
    const pending: Pending = {
      waiters: 0,
      promise: load().then((loaded) => {
        this.loading.delete(id);
        const entry: Entry = { ...loaded, refs: pending.waiters, evicted: false };
        this.entries.set(id, entry);
        this.evict();
        return entry;
      }, (err) => {
        this.loading.delete(id);
        throw err;
      }),
    };
    this.loading.set(id, pending);
    return pending;
  }

  /** A lease on an entry whose `refs` already counts it. */
  private lease(entry: Entry): KeyLease {
    let released = false;
    return {
      keys: entry.keys,
      release: () => {
        if (released) return;
        released = true;
        entry.refs--;
        if (entry.evicted && entry.refs === 0) dispose(entry);
        this.evict();
      },
    };
  }

  private evict(): void {
    for (const [id, e] of this.entries) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(id);
      e.evicted = true;
      if (e.refs === 0) dispose(e);
    }
  }

  /** Drops every entry; idle ones are freed now, leased ones when released. */
  clear(): void {
    for (const [id, e] of this.entries) {
      this.entries.delete(id);
      e.evicted = true;
      if (e.refs === 0) dispose(e);
    }
  }
}
