/**
 * The identity of a parameter set on the wire: the SHA-256 of its canonical JSON (keys sorted),
 * which every envelope carries and every receiver compares. Scheme-free.
 *
 * @module
 */

/** Canonical JSON text of any parameter set: keys sorted, so equal sets give equal text. */
function canonicalParams(p: object): string {
  const sort = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(sort) : v !== null && typeof v === "object"
      ? Object.fromEntries(
        Object.keys(v).sort().map((k) => [k, sort((v as Record<string, unknown>)[k])]),
      )
      : v;
  return JSON.stringify(sort(p));
}

/** SHA-256 of the canonical parameters: the identity envelopes carry. */
export async function paramsHash(p: object): Promise<Uint8Array> {
  const data = new TextEncoder().encode(canonicalParams(p));
  return new Uint8Array(await crypto.subtle.digest("SHA-256", data));
}

/** Hex form of {@linkcode paramsHash}. */
export async function paramsHashHex(p: object): Promise<string> {
  return Array.from(await paramsHash(p), (b) => b.toString(16).padStart(2, "0")).join("");
}
