/** The content identifier of an extractor: SHA-256 over its model files. @module */

/** Prefix of every extractor identifier. */
const EXTRACTOR_ID_PREFIX = "sha256:";

/**
 * The identifier of a tfjs model: `"sha256:"` followed by the lowercase hex SHA-256 of the bytes
 * of `model.json` followed by the bytes of each weight file in manifest order. It is what
 * `cat model.json weights.bin | sha256sum` prints, so anyone can check it without this code. It
 * changes whenever the topology, the weights, or the metadata (the quantization spec lives in
 * `model.json`) change.
 *
 * @example
 * ```ts
 * import { extractorId } from "./content_hash.ts";
 * const id = await extractorId([await Deno.readFile("models/extractor/model.json"),
 *   await Deno.readFile("models/extractor/weights.bin")]);
 * ```
 */
export async function extractorId(parts: readonly Uint8Array[]): Promise<string> {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const all = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    all.set(p, offset);
    offset += p.length;
  }
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", all));
  return EXTRACTOR_ID_PREFIX + Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}
