/**
 * The fixed 52-byte header of an envelope, checked as soon as it arrives, before the rest of the
 * body is read: magic, version, kind, the parameter hash of a served plan, and a declared length
 * that matches the request's Content-Length and fits that plan's own limit. A request refused
 * here is refused with the code its complete body would have had.
 *
 * @module
 */
import { ENVELOPE_VERSION, type EnvelopeKind } from "../he-head/mod.ts";
import { ApiError } from "../protocol/errors.ts";

/** Bytes of an envelope's fixed header (magic to body length). */
export const ENVELOPE_HEAD_BYTES = 52;
/** Bytes after the body (its SHA-256 checksum). */
const SUM_BYTES = 32;
/** The kind byte of each envelope kind. */
const KIND_BYTES: Record<EnvelopeKind, number> = { ciphertexts: 1, keys: 2, results: 3 };

/** What the header is checked against. */
export interface HeadExpectation<P> {
  kind: EnvelopeKind;
  /** The request's Content-Length, or null when it has none. */
  declared: number | null;
  /** The plan the header names (throws 400/422 for a bad magic or an unknown plan). */
  planOf(head: Uint8Array): P;
  /** That plan's largest envelope of this kind, and its name for messages. */
  limitOf(plan: P): { bytes: number; name: string };
}

/**
 * Checks the first {@linkcode ENVELOPE_HEAD_BYTES} bytes of an envelope.
 *
 * @returns the largest body the request may have: its plan's own limit.
 * @throws {ApiError} 400 (`envelope-bad-magic`, `envelope-unsupported-version`,
 * `envelope-wrong-kind`, `envelope-truncated` or `envelope-malformed` for a declared length other
 * than the Content-Length), 422 `unknown-plan`, 413 `envelope-oversized` beyond the plan's limit.
 */
export function checkEnvelopeHead<P>(head: Uint8Array, expect: HeadExpectation<P>): number {
  const plan = expect.planOf(head);
  const v = new DataView(head.buffer, head.byteOffset, ENVELOPE_HEAD_BYTES);
  const version = v.getUint8(4);
  if (version !== ENVELOPE_VERSION) {
    throw new ApiError(
      400,
      "envelope-unsupported-version",
      `expected envelope version ${ENVELOPE_VERSION}, received ${version}`,
    );
  }
  const kind = v.getUint8(5);
  if (kind !== KIND_BYTES[expect.kind]) {
    const named = Object.entries(KIND_BYTES).find(([, b]) => b === kind)?.[0];
    throw new ApiError(
      400,
      "envelope-wrong-kind",
      `expected an envelope of ${expect.kind}, received ${named ?? `kind ${kind}`}`,
    );
  }
  const bodyLength = v.getUint32(48, true);
  const total = ENVELOPE_HEAD_BYTES + bodyLength + SUM_BYTES;
  const limit = expect.limitOf(plan);
  if (total > limit.bytes) {
    throw new ApiError(
      413,
      "envelope-oversized",
      `expected a ${limit.name} envelope of at most ${limit.bytes} bytes, received ${total} (its declared body length)`,
    );
  }
  if (expect.declared !== null && expect.declared !== total) {
    const short = expect.declared < total;
    throw new ApiError(
      400,
      short ? "envelope-truncated" : "envelope-malformed",
      `expected ${total} bytes for a ${bodyLength}-byte body, received ${expect.declared} (Content-Length)`,
    );
  }
  return limit.bytes;
}
