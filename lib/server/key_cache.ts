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
  private readonly loading = new Map<string, Promise<Entry>>();
  constructor(readonly maxEntries: number) {}

  /** Number of entries held. */
  get size(): number {
    return this.entries.size;
  }

  /** Leases the keys with this id, loading them with `load` on a miss. */
  async acquire(id: string, load: () => Promise<LoadedKeys>): Promise<KeyLease> {
    let e = this.entries.get(id);
    if (e) {
      this.entries.delete(id);
      this.entries.set(id, e);
    } else {
      let p = this.loading.get(id);
      if (!p) {
        p = load().then((loaded) => {
          const entry: Entry = { ...loaded, refs: 0, evicted: false };
          this.entries.set(id, entry);
          this.evict();
          return entry;
        }).finally(() => this.loading.delete(id));
        this.loading.set(id, p);
      }
      e = await p;
    }
    const entry = e;
    entry.refs++;
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
