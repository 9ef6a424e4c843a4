/**
 * API errors: every refusal is a JSON body `{ "error": { "code", "message" } }` with a 4xx
 * status, or 503 with Retry-After; the message says what was expected and what was received.
 * Nothing else leaves the server: SEAL's own texts and unexpected errors are logged here and
 * answered without internals.
 *
 * @module
 */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { EnvelopeError, MissingKeysError, SealError, toSealError } from "../lib/he-head/mod.ts";
import { ApiError, fromEnvelopeError } from "../lib/protocol/errors.ts";

function toApiError(c: Context, e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  if (e instanceof MissingKeysError) return new ApiError(422, "missing-keys", e.message);
  if (e instanceof EnvelopeError) {
    if (e.cause) {
      const cause = e.cause instanceof Error ? e.cause.message : String(e.cause);
      console.error(`${c.req.method} ${c.req.path}: ${e.message}: ${cause}`);
    }
    return fromEnvelopeError(e);
  }
  // A SEAL exception that escaped the checks (converted even if raised outside sealCall; an
  // out-of-memory one has already run the process's handler).
  const seal = e instanceof SealError ? e : toSealError(e, `${c.req.method} ${c.req.path}`);
  if (seal) {
    console.error(`${c.req.method} ${c.req.path}: SEAL refused: ${seal.message}`);
    if (seal.outOfMemory) {
      return new ApiError(503, "out-of-memory", "the server ran out of memory; retry later", {
        "Retry-After": "10",
      });
    }
    return new ApiError(
      422,
      "rejected-by-seal",
      `${seal.what}: expected inputs and keys valid for the plan's parameters; SEAL refused them`,
    );
  }
  if (e instanceof HTTPException && e.status >= 400 && e.status < 500) {
    return new ApiError(e.status, "bad-request", e.message.slice(0, 200));
  }
  console.error(`${c.req.method} ${c.req.path}: unexpected error:`, e);
  return new ApiError(503, "internal", "the server could not answer this request; retry later", {
    "Retry-After": "5",
  });
}

/**
 * The JSON error response for any thrown value: 4xx for refusals, 503 with Retry-After for
 * everything else (logged server-side, answered without internals).
 */
export function errorResponse(c: Context, e: unknown): Response {
  let err = toApiError(c, e);
  if (err.status >= 500 && (err.status !== 503 || !err.headers["Retry-After"])) {
    err = new ApiError(503, err.code, err.message, { ...err.headers, "Retry-After": "5" });
  }
  for (const [k, v] of Object.entries(err.headers)) c.header(k, v);
  return c.json(
    { error: { code: err.code, message: err.message } },
    err.status as ContentfulStatusCode,
  );
}
