/**
 * A bound on request bodies being received at once. Every body is bounded on its own (its route's
 * and its plan's limit, a deadline), but many slow uploads together could still pin memory: the
 * gate admits an upload only while the bytes being received by everyone stay under a global cap
 * (503 + Retry-After beyond it) and the token has fewer than its share of uploads in progress
 * (429 + Retry-After beyond it). It is asked before any byte of the body is read.
 *
 * @module
 */
import { ApiError } from "../protocol/errors.ts";

/** Limits of the upload gate. */
export interface UploadGateOptions {
  /** Bytes being received at once, by everyone (declared lengths, or the route's limit). */
  maxBytes: number;
  /** Uploads in progress at once per token. */
  perToken: number;
  /** Seconds a refused client should wait before retrying. */
  retryAfterSeconds: number;
}

/** Admission of request bodies under a global byte cap and a per-token count. */
export class UploadGate {
  private bytes = 0;
  private uploads = 0;
  private readonly byToken = new Map<string, number>();
  /** A gate with no upload in progress. */
  constructor(
    /** Its limits. */
    readonly options: UploadGateOptions,
  ) {}

  /** Bytes and uploads being received now. */
  get load(): { bytes: number; uploads: number } {
    return { bytes: this.bytes, uploads: this.uploads };
  }

  /**
   * Admits an upload of at most `bytes` for `token` and returns its release (idempotent), to call
   * when the body has been read or refused.
   *
   * @throws {ApiError} 429 when the token already has `perToken` uploads in progress, 503 when
   * the bytes would exceed the global cap; both with Retry-After.
   */
  admit(token: string, bytes: number): () => void {
    const o = this.options;
    const retry = { "Retry-After": String(o.retryAfterSeconds) };
    const mine = this.byToken.get(token) ?? 0;
    if (mine >= o.perToken) {
      throw new ApiError(
        429,
        "too-many-uploads",
        `expected at most ${o.perToken} uploads in progress per token, this would be ${mine + 1}`,
        retry,
      );
    }
    if (this.bytes + bytes > o.maxBytes) {
      throw new ApiError(
        503,
        "uploads-busy",
        `the server is receiving ${this.bytes} bytes of request bodies; ${bytes} more would exceed its ${o.maxBytes}-byte limit; retry later`,
        retry,
      );
    }
    this.bytes += bytes;
    this.uploads++;
    this.byToken.set(token, mine + 1);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.bytes -= bytes;
      this.uploads--;
      const left = (this.byToken.get(token) ?? 1) - 1;
      if (left > 0) this.byToken.set(token, left);
      else this.byToken.delete(token);
    };
  }
}
