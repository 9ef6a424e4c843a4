/**
 * Evaluation keys uploaded by clients, stored in Deno KV (the embedded SQLite store by default),
 * chunked below KV's 64 KiB value limit, with a time to live. The key id is the SHA-256 of the
 * uploaded bytes, so re-uploading the same keys is idempotent.
 *
 * @module
 */

/** Stored keys: the plan they belong to and the envelope bytes. */
export interface StoredKeys {
  id: string;
  /** Hex SHA-256 of the plan's parameters. */
  planHash: string;
  bytes: Uint8Array;
}

interface Meta {
  planHash: string;
  size: number;
  chunks: number;
  created: number;
}

const CHUNK = 60_000;
const PER_COMMIT = 10;

/** Hex SHA-256 of some bytes. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>));
  return Array.from(d, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** A KV-backed key store. */
export class KvKeyStore {
  /** @param ttlMs how long uploaded keys live */
  constructor(private readonly kv: Deno.Kv, readonly ttlMs: number) {}

  /**
   * Stores keys under their SHA-256; returns the id and whether they were new. Chunks are written
   * first and the metadata last, so a reader never sees a partial upload.
   */
  async put(planHash: string, bytes: Uint8Array): Promise<{ id: string; created: boolean }> {
    const id = await sha256Hex(bytes);
    const existing = await this.kv.get<Meta>(["keys", id, "meta"]);
    if (existing.value && existing.value.planHash === planHash) return { id, created: false };
    const chunks = Math.ceil(bytes.length / CHUNK);
    const expireIn = this.ttlMs;
    for (let start = 0; start < chunks; start += PER_COMMIT) {
      const op = this.kv.atomic();
      for (let i = start; i < Math.min(chunks, start + PER_COMMIT); i++) {
        op.set(["keys", id, "chunk", i], bytes.subarray(i * CHUNK, (i + 1) * CHUNK), { expireIn });
      }
      const r = await op.commit();
      if (!r.ok) throw new Error("KV commit of key chunks failed");
    }
    const meta: Meta = { planHash, size: bytes.length, chunks, created: Date.now() };
    await this.kv.set(["keys", id, "meta"], meta, { expireIn });
    return { id, created: true };
  }

  /** The keys with this id, or null if unknown (or expired, or damaged). */
  async get(id: string): Promise<StoredKeys | null> {
    if (!/^[0-9a-f]{64}$/.test(id)) return null;
    const meta = (await this.kv.get<Meta>(["keys", id, "meta"])).value;
    if (!meta) return null;
    const bytes = new Uint8Array(meta.size);
    for (let start = 0; start < meta.chunks; start += PER_COMMIT) {
      const keys = [];
      for (let i = start; i < Math.min(meta.chunks, start + PER_COMMIT); i++) {
        keys.push(["keys", id, "chunk", i]);
      }
      const got = await this.kv.getMany<Uint8Array[]>(keys);
      for (let j = 0; j < got.length; j++) {
        const v = got[j].value;
        if (!v) return null;
        bytes.set(v, (start + j) * CHUNK);
      }
    }
    return (await sha256Hex(bytes)) === id ? { id, planHash: meta.planHash, bytes } : null;
  }
}
