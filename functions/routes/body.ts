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
import { ApiError } from "../errors.ts";
import { parseMultipart } from "../multipart.ts";

/** Bounds of one body. */
export interface BodyLimits {
  maxBytes: number;
  deadlineMs: number;
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

/**
 * Reads the whole body within the limits.
 *
 * @throws {ApiError} 413, 408, 400 (short or broken body) or 415 (a Content-Encoding).
 */
export async function readBody(c: Context, limits: BodyLimits): Promise<Uint8Array> {
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
  let declared: number | null = null;
  if (header !== undefined) {
    if (!/^\d{1,15}$/.test(header.trim())) {
      throw new ApiError(400, "bad-content-length", `expected a byte count, received ${header}`);
    }
    declared = Number(header.trim());
    if (declared > limits.maxBytes) throw tooLarge(limits.maxBytes, `${declared} (Content-Length)`);
  }
  const stream = c.req.raw.body;
  if (!stream) return new Uint8Array(0);
  const reader = stream.getReader();
  // With a declared length the body is read into one buffer (no second copy).
  const into = declared !== null ? new Uint8Array(declared) : null;
  const chunks: Uint8Array[] = [];
  let total = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new ApiError(
            408,
            "body-timeout",
            `expected the whole body within ${limits.deadlineMs} ms, received ${total} bytes${
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
          }, the upload broke off after ${total}`,
          CLOSE,
        );
      }
      if (step.done) break;
      const at = total;
      total += step.value.length;
      if (total > limits.maxBytes) throw tooLarge(limits.maxBytes, "more");
      if (!into) chunks.push(step.value);
      else if (total <= into.length) into.set(step.value, at);
    }
  } catch (e) {
    reader.cancel().catch(() => {});
    throw e;
  } finally {
    clearTimeout(timer);
  }
  if (declared !== null && total !== declared) {
    throw new ApiError(
      400,
      "body-incomplete",
      `expected ${declared} bytes (Content-Length), received ${total}`,
    );
  }
  if (into) return into;
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const ch of chunks) {
    out.set(ch, at);
    at += ch.length;
  }
  return out;
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
