/**
 * Evaluation keys uploaded by clients, stored in Deno KV (the embedded SQLite store by default),
 * chunked below KV's 64 KiB value limit, with a time to live. The key id is computed by the
 * caller over the keys' canonical content ({@linkcode canonicalKeyId}), so the same keys are
 * stored once however they were spelled (deflated or not, entries in any order).
 *
 * @module
 */

import { kvWrite } from "./kv_retry.ts";

/** Stored keys: the plan they belong to and the envelope bytes. */
export interface StoredKeys {
  id: string;
  /** Hex SHA-256 of the plan's parameters. */
  planHash: string;
  bytes: Uint8Array;
  /** Expiry (ms since the epoch). */
  expires: number;
}

interface Meta {
  planHash: string;
  size: number;
  chunks: number;
  created: number;
  expires: number;
  /** Hex SHA-256 of the stored bytes (integrity of the chunks). */
  sha256: string;
}

const CHUNK = 60_000;
const PER_COMMIT = 10;

/** Hex SHA-256 of some bytes. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>));
  return Array.from(d, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The id of a key set: SHA-256 over the plan's hash and, per plaintext modulus and per kind of
 * key (in a fixed order), the kind, the length and the SHA-256 of the key's bytes. The envelope's
 * compression, entry order and checksum do not enter it; the blobs themselves have one spelling
 * (see `lib/he-head/wire/seal_blob.ts`).
 */
export async function canonicalKeyId(
  planHash: string,
  keys: readonly Readonly<Record<string, Uint8Array | null | undefined>>[],
): Promise<string> {
  const parts = [`fcn-keys-v1 ${planHash}`];
  for (let m = 0; m < keys.length; m++) {
    for (const kind of Object.keys(keys[m]).sort()) {
      const b = keys[m][kind];
      if (b) parts.push(`${m} ${kind} ${b.length} ${await sha256Hex(b)}`);
    }
  }
  return await sha256Hex(new TextEncoder().encode(parts.join("\n")));
}

/**
 * The canonical size of a key set: the bytes of its key blobs, however the envelope spelled them
 * (deflated or not). What a token's key-bytes quota is charged.
 */
export function canonicalKeyBytes(
  keys: readonly Readonly<Record<string, Uint8Array | null | undefined>>[],
): number {
  let n = 0;
  for (const m of keys) for (const b of Object.values(m)) n += b?.length ?? 0;
  return n;
}

/** A KV-backed key store. */
export class KvKeyStore {
  /** @param ttlMs how long uploaded keys live */
  constructor(private readonly kv: Deno.Kv, readonly ttlMs: number) {}

  /** When the keys with this id expire (ms since the epoch), or null if they are not stored. */
  async expires(id: string): Promise<number | null> {
    return (await this.info(id))?.expires ?? null;
  }

  /**
   * The plan and expiry of the keys with this id (one small read, no chunks), or null if they
   * are not stored (or expired): what a request checks before it uses keys it has cached.
   */
  async info(id: string): Promise<{ planHash: string; expires: number } | null> {
    if (!/^[0-9a-f]{64}$/.test(id)) return null;
    const meta = (await this.kv.get<Meta>(["keys", id, "meta"])).value;
    return meta && meta.expires > Date.now()
      ? { planHash: meta.planHash, expires: meta.expires }
      : null;
  }

  /**
   * Stores keys under `id` unless they are there; returns whether they were new and when they
   * expire. Chunks are written first and the metadata last, so a reader never sees a partial
   * upload.
   */
  async put(
    id: string,
    planHash: string,
    bytes: Uint8Array,
  ): Promise<{ created: boolean; expires: number }> {
    const existing = (await this.kv.get<Meta>(["keys", id, "meta"])).value;
    if (existing && existing.planHash === planHash && existing.expires > Date.now()) {
      return { created: false, expires: existing.expires };
    }
    const chunks = Math.ceil(bytes.length / CHUNK);
    const expireIn = this.ttlMs;
    const created = Date.now();
    for (let start = 0; start < chunks; start += PER_COMMIT) {
      const op = this.kv.atomic();
      for (let i = start; i < Math.min(chunks, start + PER_COMMIT); i++) {
        op.set(["keys", id, "chunk", i], bytes.subarray(i * CHUNK, (i + 1) * CHUNK), { expireIn });
      }
      const r = await kvWrite(() => op.commit());
      if (!r.ok) throw new Error("KV commit of key chunks failed");
    }
    const meta: Meta = {
      planHash,
      size: bytes.length,
      chunks,
      created,
      expires: created + expireIn,
      sha256: await sha256Hex(bytes),
    };
    await kvWrite(() => this.kv.set(["keys", id, "meta"], meta, { expireIn }));
    return { created: true, expires: meta.expires };
  }

  /** The keys with this id, or null if unknown (or expired, or damaged). */
  async get(id: string): Promise<StoredKeys | null> {
    if (!/^[0-9a-f]{64}$/.test(id)) return null;
    const meta = (await this.kv.get<Meta>(["keys", id, "meta"])).value;
    if (!meta || meta.expires <= Date.now()) return null;
    if (meta.chunks !== Math.ceil(meta.size / CHUNK)) return null;
    const bytes = new Uint8Array(meta.size);
    for (let start = 0; start < meta.chunks; start += PER_COMMIT) {
      const keys = [];
      for (let i = start; i < Math.min(meta.chunks, start + PER_COMMIT); i++) {
        keys.push(["keys", id, "chunk", i]);
      }
      const got = await this.kv.getMany<Uint8Array[]>(keys);
      for (let j = 0; j < got.length; j++) {
        const v = got[j].value;
        const at = (start + j) * CHUNK;
        // A chunk of another length is damaged (or not ours): missing, like a bad digest.
        if (!(v instanceof Uint8Array) || v.length !== Math.min(CHUNK, meta.size - at)) return null;
        bytes.set(v, at);
      }
    }
    return (await sha256Hex(bytes)) === meta.sha256
      ? { id, planHash: meta.planHash, bytes, expires: meta.expires }
      : null;
  }
}
