/**
 * Request bodies of the binary routes, read as a stream under three bounds: at most `maxBytes`
 * (413 as soon as more arrive, or at once when Content-Length says so), within `deadlineMs` (408
 * for a stalled upload), and complete (400 for a body shorter than its Content-Length). Bodies
 * are never decompressed at the HTTP level (a Content-Encoding is 415); envelopes inflate under
 * their own running cap.
 *
 * @module
 */
import type { Context } from "hono";
import { ENVELOPE_TYPE } from "../../lib/protocol/api.ts";
import { ApiError } from "../../lib/protocol/errors.ts";
import { parseMultipart } from "../multipart.ts";

/** Bounds of one body. */
export interface BodyLimits {
  maxBytes: number;
  deadlineMs: number;
  /**
   * Admits the upload before any byte is read, given the bytes it may bring (its Content-Length,
   * or `maxBytes`); returns the release, called once the body is read or refused.
   */
  admit?: (bytes: number) => () => void;
  /**
   * Checks the first `bytes` bytes as soon as they arrive (with the Content-Length, or null) and
   * returns the body's own limit, at most `maxBytes`; a body that ends sooner is not checked.
   */
  head?: { bytes: number; check(head: Uint8Array, declared: number | null): number };
}

/** The media type of a request, lower-cased, without parameters. */
export function mediaType(c: Context): string {
  return (c.req.header("content-type") ?? "").split(";")[0].trim().toLowerCase();
}

/** The rest of a refused body is not read: the connection is closed after the answer. */
const CLOSE = { "Connection": "close" };

function tooLarge(max: number, received: string): ApiError {
  return new ApiError(
    413,
    "body-too-large",
    `expected a body of at most ${max} bytes, received ${received}`,
    CLOSE,
  );
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const ch of chunks) {
    out.set(ch, at);
    at += ch.length;
  }
  return out;
}

/** The Content-Length, checked against `maxBytes` (413) before anything is read; null if none. */
function declaredLength(c: Context, maxBytes: number): number | null {
  const encoding = (c.req.header("content-encoding") ?? "identity").trim().toLowerCase();
  if (encoding !== "identity") {
    throw new ApiError(
      415,
      "unsupported-content-encoding",
      `expected no Content-Encoding (envelopes compress themselves), received ${
        encoding.slice(0, 40)
      }`,
    );
  }
  const header = c.req.header("content-length");
  if (header === undefined) return null;
  if (!/^\d{1,15}$/.test(header.trim())) {
    throw new ApiError(400, "bad-content-length", `expected a byte count, received ${header}`);
  }
  const declared = Number(header.trim());
  if (declared > maxBytes) throw tooLarge(maxBytes, `${declared} (Content-Length)`);
  return declared;
}

/** The body so far: chunks until the head is checked, then one buffer of the declared length. */
class Received {
  total = 0;
  private chunks: Uint8Array[] = [];
  private into: Uint8Array | null = null;
  private checked: boolean;
  constructor(
    private limit: number,
    private readonly declared: number | null,
    private readonly head: BodyLimits["head"],
  ) {
    this.checked = !head;
    if (this.checked) this.allocate();
  }

  /** With a declared length the body is read into one buffer (no second copy). */
  private allocate(): void {
    if (this.declared === null) return;
    this.into = new Uint8Array(this.declared);
    const first = concat(this.chunks, this.total);
    this.into.set(first.subarray(0, this.declared), 0);
    this.chunks = [];
  }

  add(chunk: Uint8Array): void {
    const at = this.total;
    this.total += chunk.length;
    if (this.total > this.limit) throw tooLarge(this.limit, "more");
    if (!this.into) this.chunks.push(chunk);
    else if (this.total <= this.into.length) this.into.set(chunk, at);
    if (!this.checked && this.total >= this.head!.bytes) {
      this.checked = true;
      const first = concat(this.chunks, this.total);
      this.chunks = [first];
      try {
        this.limit = Math.min(
          this.limit,
          this.head!.check(first.subarray(0, this.head!.bytes), this.declared),
        );
      } catch (e) {
        if (!(e instanceof ApiError)) throw e;
        throw new ApiError(e.status, e.code, e.message, { ...e.headers, ...CLOSE });
      }
      if (this.total > this.limit) throw tooLarge(this.limit, "more");
      this.allocate();
    }
  }

  bytes(): Uint8Array {
    return this.into ?? concat(this.chunks, this.total);
  }
}

/**
 * Reads the whole body within the limits.
 *
 * @throws {ApiError} 413, 408, 400 (short or broken body) or 415 (a Content-Encoding); what
 * `limits.admit` and `limits.head` throw (503/429; a refused envelope header).
 */
export async function readBody(c: Context, limits: BodyLimits): Promise<Uint8Array> {
  const declared = declaredLength(c, limits.maxBytes);
  const stream = c.req.raw.body;
  if (!stream) return new Uint8Array(0);
  const release = limits.admit?.(declared ?? limits.maxBytes) ?? (() => {});
  const reader = stream.getReader();
  const got = new Received(limits.maxBytes, declared, limits.head);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new ApiError(
            408,
            "body-timeout",
            `expected the whole body within ${limits.deadlineMs} ms, received ${got.total} bytes${
              declared === null ? "" : ` of ${declared}`
            }`,
            CLOSE,
          ),
        ),
      limits.deadlineMs,
    );
  });
  deadline.catch(() => {});
  try {
    while (true) {
      let step: ReadableStreamReadResult<Uint8Array>;
      try {
        step = await Promise.race([reader.read(), deadline]);
      } catch (e) {
        if (e instanceof ApiError) throw e;
        throw new ApiError(
          400,
          "body-incomplete",
          `expected ${
            declared === null ? "a complete body" : `${declared} bytes (Content-Length)`
          }, the upload broke off after ${got.total}`,
          CLOSE,
        );
      }
      if (step.done) break;
      got.add(step.value);
    }
  } catch (e) {
    reader.cancel().catch(() => {});
    throw e;
  } finally {
    clearTimeout(timer);
    release();
  }
  if (declared !== null && got.total !== declared) {
    throw new ApiError(
      400,
      "body-incomplete",
      `expected ${declared} bytes (Content-Length), received ${got.total}`,
    );
  }
  return got.bytes();
}

/** Reads a binary envelope body, refusing other content types (415) and empty bodies (400). */
export async function envelopeBody(c: Context, limits: BodyLimits): Promise<Uint8Array> {
  const type = mediaType(c);
  if (type !== ENVELOPE_TYPE) {
    throw new ApiError(
      415,
      "unsupported-media-type",
      `expected content-type ${ENVELOPE_TYPE}, received ${type.slice(0, 80) || "none"}`,
    );
  }
  const body = await readBody(c, limits);
  if (body.length === 0) {
    throw new ApiError(400, "empty-body", "expected an envelope, received an empty body");
  }
  return body;
}

/** Reads a multipart body and returns the named parts (views into the body; null if absent). */
export async function multipartParts(
  c: Context,
  names: string[],
  limits: BodyLimits,
): Promise<Record<string, Uint8Array | null>> {
  const body = await readBody(c, limits);
  return parseMultipart(body, c.req.header("content-type") ?? "", names);
}
