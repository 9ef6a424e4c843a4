/**
 * A bound on concurrent evaluations with a bounded queue. SEAL runs single-threaded per isolate
 * and an out-of-memory inside it is fatal, so the server admits at most `concurrency`
 * evaluations at once and `queue` waiting ones; beyond that it answers 503 with Retry-After.
 *
 * @module
 */
import { ApiError } from "../protocol/errors.ts";

/** Limits of the evaluation limiter. */
export interface LimiterOptions {
  /** Evaluations running at once. */
  concurrency: number;
  /** Requests allowed to wait for a slot. */
  queue: number;
  /** Seconds a refused client should wait before retrying. */
  retryAfterSeconds: number;
}

/** A counting semaphore with a bounded wait queue. */
export class EvaluationLimiter {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  /** A limiter with no evaluation running. */
  constructor(
    /** Its limits. */
    readonly options: LimiterOptions,
  ) {}

  /** Current load, for health reports. */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  /**
   * Runs `fn` when a slot is free.
   *
   * @throws {ApiError} 503 with Retry-After when the queue is full, or when `signal` aborts while
   * the request waits.
   */
  async run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (this.running < this.options.concurrency) this.running++;
    else {
      if (this.waiting.length >= this.options.queue) {
        throw new ApiError(
          503,
          "busy",
          `the server is busy: ${this.running} evaluations running and ${this.waiting.length} waiting (limit ${this.options.queue}); retry later`,
          { "Retry-After": String(this.options.retryAfterSeconds) },
        );
      }
      await new Promise<void>((resolve, reject) => {
        const wake = () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        };
        const onAbort = () => {
          const i = this.waiting.indexOf(wake);
          if (i >= 0) this.waiting.splice(i, 1);
          reject(
            new ApiError(503, "timeout", "timed out waiting for an evaluation slot", {
              "Retry-After": String(this.options.retryAfterSeconds),
            }),
          );
        };
        signal?.addEventListener("abort", onAbort, { once: true });
        this.waiting.push(wake);
      });
      // The finishing request handed its slot over: `running` is unchanged.
    }
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
