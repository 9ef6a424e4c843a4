/**
 * API errors: every refusal is a JSON body `{ "error": { "code", "message" } }` with a 4xx (or
 * 503) status; the message says what was expected and what was received.
 *
 * @module
 */
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { EnvelopeError } from "../lib/he-head/wire/envelope.ts";
import { SealError } from "../lib/he-head/seal/runtime.ts";

/** An error the API reports to the client as-is. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }
}

const ENVELOPE_STATUS: Record<EnvelopeError["code"], ContentfulStatusCode> = {
  "truncated": 400,
  "oversized": 413,
  "bad-magic": 400,
  "unsupported-version": 400,
  "wrong-kind": 400,
  "foreign-parameters": 422,
  "corrupted": 400,
  "malformed": 400,
};

/** Maps an envelope error to its API error. */
export function fromEnvelopeError(e: EnvelopeError): ApiError {
  return new ApiError(ENVELOPE_STATUS[e.code], `envelope-${e.code}`, e.message);
}

/** The JSON error response for any thrown value (unknown errors are a 500, logged). */
export function errorResponse(c: Context, e: unknown): Response {
  const err = e instanceof EnvelopeError
    ? fromEnvelopeError(e)
    // Inputs are validated before SEAL sees them; should SEAL still refuse one, say so.
    : e instanceof SealError
    ? new ApiError(422, "rejected-by-seal", e.message)
    : e;
  if (err instanceof ApiError) {
    for (const [k, v] of Object.entries(err.headers)) c.header(k, v);
    return c.json({ error: { code: err.code, message: err.message } }, err.status);
  }
  console.error("unexpected error:", e);
  return c.json({ error: { code: "internal", message: "internal error" } }, 500);
}
