/**
 * Refusals that become HTTP answers: an {@linkcode ApiError} carries the status, the stable error
 * code of the JSON answer `{ "error": { "code", "message" } }`, the message (what was expected,
 * what was received) and headers such as `Retry-After`. The server's library code throws it
 * without knowing about HTTP frameworks; `functions/errors.ts` turns it into the answer.
 *
 * @module
 */

/** Statuses the API answers refusals with: 4xx, or 503 with `Retry-After`. */
export type ApiErrorStatus = 400 | 401 | 404 | 408 | 409 | 413 | 415 | 422 | 429 | 503;

/** An error the API reports to the client as-is. */
export class ApiError extends Error {
  /**
   * A refusal answered with `status` and `{ "error": { code, message } }`.
   *
   * @param status the HTTP status of the answer
   * @param code the stable error code of the JSON answer (e.g. `body-too-large`)
   * @param message what was expected and what was received
   * @param headers extra answer headers (e.g. `Retry-After`, `Connection: close`)
   */
  constructor(
    /** The HTTP status of the answer. */
    readonly status: ApiErrorStatus | number,
    /** The stable error code of the JSON answer. */
    readonly code: string,
    message: string,
    /** Extra answer headers. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** Why an envelope was refused: the codes of the wire's `EnvelopeError`. */
export type EnvelopeRefusal =
  | "truncated"
  | "oversized"
  | "bad-magic"
  | "unsupported-version"
  | "wrong-kind"
  | "foreign-parameters"
  | "corrupted"
  | "malformed";

const ENVELOPE_STATUS: Record<EnvelopeRefusal, ApiErrorStatus> = {
  "truncated": 400,
  "oversized": 413,
  "bad-magic": 400,
  "unsupported-version": 400,
  "wrong-kind": 400,
  "foreign-parameters": 422,
  "corrupted": 400,
  "malformed": 400,
};

/**
 * The API error of a refused envelope (an `EnvelopeError` of `lib/he-head/wire`): its status,
 * and the code `envelope-<why>`.
 */
export function fromEnvelopeError(
  e: { readonly code: EnvelopeRefusal; readonly message: string },
): ApiError {
  return new ApiError(ENVELOPE_STATUS[e.code], `envelope-${e.code}`, e.message);
}
