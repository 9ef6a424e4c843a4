/**
 * A strict `multipart/form-data` parser over bytes already read (and bounded): parts are views
 * into the body, never copies, so a multipart request costs no more memory than its body.
 * Only what the API needs: named parts, each at most once.
 *
 * @module
 */
import { ApiError } from "../lib/protocol/errors.ts";

const CRLF_CRLF = [13, 10, 13, 10];

function bad(message: string): ApiError {
  return new ApiError(400, "bad-multipart", `expected a multipart/form-data body: ${message}`);
}

function indexOf(hay: Uint8Array, needle: Uint8Array | number[], from: number): number {
  const first = needle[0];
  const last = hay.length - needle.length;
  outer: for (
    let i = hay.indexOf(first, from);
    i !== -1 && i <= last;
    i = hay.indexOf(first, i + 1)
  ) {
    for (let j = 1; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/** The boundary of a `multipart/form-data` content type. */
export function boundaryOf(contentType: string): string {
  const m = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;"]{1,70}))/i.exec(contentType);
  if (!m) throw bad("the content type names no boundary (1 to 70 characters)");
  return m[1] ?? m[2];
}

/**
 * Splits `body` into its parts and returns the ones named in `names` (null when absent).
 *
 * @throws {ApiError} 400 for anything that is not well-formed multipart, or a repeated part.
 */
export function parseMultipart(
  body: Uint8Array,
  contentType: string,
  names: readonly string[],
): Record<string, Uint8Array | null> {
  const enc = new TextEncoder();
  const boundary = boundaryOf(contentType);
  const delimiter = enc.encode(`\r\n--${boundary}`);
  const out: Record<string, Uint8Array | null> = Object.fromEntries(names.map((n) => [n, null]));
  const seen = new Set<string>();
  // The first delimiter may open the body without the leading CRLF.
  let at = indexOf(body, delimiter.subarray(2), 0);
  if (at !== 0) {
    at = indexOf(body, delimiter, 0);
    if (at < 0) throw bad(`no boundary "${boundary}" found`);
    at += 2;
  }
  at += delimiter.length - 2;
  for (let parts = 0;; parts++) {
    if (body[at] === 45 && body[at + 1] === 45) return out; // "--": the closing delimiter
    if (body[at] !== 13 || body[at + 1] !== 10) throw bad("a boundary is not followed by CRLF");
    if (parts >= 16) throw bad("more than 16 parts");
    const headEnd = indexOf(body, CRLF_CRLF, at + 2);
    if (headEnd < 0 || headEnd - at > 4096) throw bad("a part's headers do not end");
    const head = new TextDecoder().decode(body.subarray(at + 2, headEnd));
    const next = indexOf(body, delimiter, headEnd + 4);
    if (next < 0) throw bad("the body ends inside a part (no closing boundary)");
    const name = /^content-disposition:\s*form-data;(?:.*;)?\s*name="([^"]*)"/im.exec(head)?.[1];
    if (name === undefined) throw bad("a part has no content-disposition name");
    if (seen.has(name)) throw bad(`part "${name}" appears twice`);
    seen.add(name);
    if (names.includes(name)) out[name] = body.subarray(headEnd + 4, next);
    at = next + delimiter.length;
  }
}
