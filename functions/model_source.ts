/**
 * Reads the model document from a path or an http(s) URL. Either may be pinned with a fragment
 * `#sha256=<64 hex digits>`: the document's SHA-256 must then match, or start-up stops.
 *
 * @module
 */
import { sha256Hex } from "../lib/server/key_store.ts";
import { ConfigError } from "./config.ts";

/** Largest model document accepted (bytes). */
export const MAX_MODEL_BYTES = 64 * 1024 * 1024;

async function fetchText(url: string): Promise<Uint8Array> {
  const res = await fetch(url, { signal: AbortSignal.timeout(60_000), redirect: "follow" });
  if (!res.ok) {
    await res.body?.cancel();
    throw new ConfigError("FCN_MODEL", `expected 200 from ${url}, received ${res.status}`);
  }
  const bytes = new Uint8Array(await res.arrayBuffer());
  if (bytes.length > MAX_MODEL_BYTES) {
    throw new ConfigError("FCN_MODEL", `expected at most ${MAX_MODEL_BYTES} bytes, received more`);
  }
  return bytes;
}

/**
 * The model document named by `source` (and whether it was pinned).
 *
 * @throws {ConfigError} for a malformed pin, an unreachable URL or a digest that differs.
 */
export async function loadModelText(source: string): Promise<{ text: string; pinned: boolean }> {
  const hashAt = source.lastIndexOf("#");
  let location = source, pin: string | null = null;
  if (hashAt >= 0 && /^https?:|#sha256=/.test(source)) {
    location = source.slice(0, hashAt);
    const m = /^sha256=([0-9a-fA-F]{64})$/.exec(source.slice(hashAt + 1));
    if (!m) {
      throw new ConfigError(
        "FCN_MODEL",
        `expected a fragment #sha256=<64 hex digits>, received #${
          source.slice(hashAt + 1, hashAt + 80)
        }`,
      );
    }
    pin = m[1].toLowerCase();
  }
  const bytes = /^https?:/.test(location)
    ? await fetchText(location)
    : await Deno.readFile(location.startsWith("file:") ? new URL(location) : location);
  if (pin) {
    const got = await sha256Hex(bytes);
    if (got !== pin) {
      throw new ConfigError(
        "FCN_MODEL",
        `expected a document with SHA-256 ${pin}, ${location} has ${got}`,
      );
    }
  }
  return { text: new TextDecoder().decode(bytes), pinned: pin !== null };
}
