/**
 * Bearer tokens, kept in the same Deno KV as the keys. A token is `fcn_` and 43 base64url
 * characters (256 random bits); only its SHA-256 is stored, so the KV never holds a usable token
 * and a token is shown once, when it is created. Tokens are named (unique) and carry a quota.
 *
 * @module
 */
import { type Quota, TOKEN_PREFIX } from "../protocol/api.ts";
import { sha256Hex } from "./key_store.ts";
import { kvWrite } from "./kv_retry.ts";

/** The quota of a token created without options. */
export const DEFAULT_QUOTA: Readonly<Quota> = Object.freeze({
  requests_per_minute: 120,
  queries_per_day: 100_000,
  key_sets: 8,
  key_bytes: 32 * 1024 * 1024,
});

/** What is stored for a token (never the token). */
export interface TokenRecord {
  /** The token's unique name (who it was issued to). */
  name: string;
  /** Creation time (ms since the epoch). */
  created: number;
  /** Its quotas. */
  quota: Quota;
}

/** Who makes a request: a token's hash and record, or the anonymous user when auth is off. */
export interface Principal {
  /** Hex SHA-256 of the token, or `anonymous`. */
  id: string;
  /** The token's name, or `anonymous (FCN_AUTH=off)`. */
  name: string;
  /** Its quotas. */
  quota: Quota;
}

const TOKEN_RE = /^fcn_[A-Za-z0-9_-]{43}$/;
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

function base64url(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** Checks a quota: every field a positive integer. */
export function checkQuota(q: Quota): Quota {
  for (const k of Object.keys(DEFAULT_QUOTA) as (keyof Quota)[]) {
    const v = q[k];
    if (!Number.isSafeInteger(v) || v < 1) {
      throw new RangeError(`quota ${k}: expected a positive integer, received ${v}`);
    }
  }
  return q;
}

/** Token records in Deno KV under `["fcn", "tokens", hash]` and `["fcn", "token-names", name]`. */
export class TokenStore {
  /** A store over `kv`, the server's KV (where tokens live). */
  constructor(private readonly kv: Deno.Kv) {}

  /**
   * Creates a token; returns the secret (shown once) and its record.
   *
   * @throws {RangeError} for a bad name or quota, or a name already in use.
   */
  async create(
    name: string,
    quota: Partial<Quota> = {},
  ): Promise<{ token: string; record: TokenRecord }> {
    if (!NAME_RE.test(name)) {
      throw new RangeError(
        `token name: expected 1-64 letters, digits, ".", "_" or "-", received ${
          JSON.stringify(name)
        }`,
      );
    }
    const record: TokenRecord = {
      name,
      created: Date.now(),
      quota: checkQuota({ ...DEFAULT_QUOTA, ...quota }),
    };
    const token = TOKEN_PREFIX + base64url(crypto.getRandomValues(new Uint8Array(32)));
    const hash = await sha256Hex(new TextEncoder().encode(token));
    const res = await kvWrite(() =>
      this.kv.atomic()
        .check({ key: ["fcn", "token-names", name], versionstamp: null })
        .set(["fcn", "token-names", name], hash)
        .set(["fcn", "tokens", hash], record)
        .commit()
    );
    if (!res.ok) throw new RangeError(`token name: ${JSON.stringify(name)} is already in use`);
    return { token, record };
  }

  /** Revokes the token with this name; false when there is none. */
  async revoke(name: string): Promise<boolean> {
    const entry = await this.kv.get<string>(["fcn", "token-names", name]);
    if (entry.value === null) return false;
    await kvWrite(() =>
      this.kv.atomic()
        .check(entry)
        .delete(["fcn", "token-names", name])
        .delete(["fcn", "tokens", entry.value])
        .commit()
    );
    return true;
  }

  /** Every token's record (no secrets), oldest first. */
  async list(): Promise<(TokenRecord & { id: string })[]> {
    const out: (TokenRecord & { id: string })[] = [];
    for await (const e of this.kv.list<TokenRecord>({ prefix: ["fcn", "tokens"] })) {
      out.push({ ...e.value, id: String(e.key[2]) });
    }
    return out.sort((a, b) => a.created - b.created);
  }

  /** The principal a presented token stands for, or null (malformed, unknown or revoked). */
  async verify(token: string): Promise<Principal | null> {
    if (!TOKEN_RE.test(token)) return null;
    const id = await sha256Hex(new TextEncoder().encode(token));
    const record = (await this.kv.get<TokenRecord>(["fcn", "tokens", id])).value;
    return record ? { id, name: record.name, quota: record.quota } : null;
  }
}
