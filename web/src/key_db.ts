/// <reference lib="dom" />
/**
 * The page's keys in IndexedDB: one saved session (plan, parameter hash, key id, secret keys) per
 * plan, so keys are generated once per browser and reused on the next visit. The secret keys stay
 * in this origin's storage; they are never sent.
 *
 * @module
 */
import type { SavedSession } from "../../lib/client/browser.ts";

const DB = "faster-cryptonets";
const STORE = "sessions";

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function run<T>(mode: IDBTransactionMode, f: (s: IDBObjectStore) => IDBRequest): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const req = f(db.transaction(STORE, mode).objectStore(STORE));
      req.onsuccess = () => resolve(req.result as T);
      req.onerror = () => reject(req.error);
    });
  } finally {
    db.close();
  }
}

/** The saved session of `plan`, or undefined (also when IndexedDB is unavailable). */
export async function loadSession(plan: string): Promise<SavedSession | undefined> {
  try {
    return await run<SavedSession | undefined>("readonly", (s) => s.get(plan));
  } catch {
    return undefined;
  }
}

/** Saves a session under its plan's name (best effort: private windows may refuse). */
export async function storeSession(saved: SavedSession): Promise<boolean> {
  try {
    await run("readwrite", (s) => s.put(saved, saved.plan));
    return true;
  } catch {
    return false;
  }
}

/** Forgets every saved session. */
export async function clearSessions(): Promise<void> {
  await run("readwrite", (s) => s.clear());
}
