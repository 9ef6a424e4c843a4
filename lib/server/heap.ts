/**
 * SEAL's heap budget. SEAL allocates in a WebAssembly memory that never shrinks and that cannot
 * grow past 4 GiB; running out inside SEAL is fatal to the process. So every request reserves
 * an estimate of the SEAL memory it will hold (inputs, the evaluation's working set, results,
 * loaded keys) before SEAL sees it, against a per-process cap (`FCN_MAX_HEAP_BYTES`) minus what
 * the plans hold from start-up; a request that would not fit is answered 503 with Retry-After.
 *
 * @module
 */
import type { Network } from "../model/network.ts";
import { ApiError } from "../protocol/errors.ts";
import type { PlanServer } from "../he-head/server.ts";

/** Reservations against a fixed cap. */
export class HeapBudget {
  private used = 0;
  /**
   * A budget of `capBytes - baseBytes` for requests.
   *
   * @param capBytes the process's cap on SEAL's heap
   * @param baseBytes what SEAL holds before any request (contexts, plans' plaintexts)
   */
  constructor(
    /** The process's cap on SEAL's heap (bytes). */
    readonly capBytes: number,
    /** What SEAL holds before any request (bytes). */
    readonly baseBytes: number,
  ) {
    if (capBytes < baseBytes) {
      throw new RangeError(
        `FCN_MAX_HEAP_BYTES: expected at least the ${baseBytes} bytes SEAL holds at start-up, received ${capBytes}`,
      );
    }
  }

  /** Bytes reserved by requests in flight (and cached keys). */
  get reserved(): number {
    return this.used;
  }

  /** Bytes still free for requests. */
  get free(): number {
    return this.capBytes - this.baseBytes - this.used;
  }

  /**
   * Reserves `bytes` for `what`; call the returned function to release them (idempotent).
   *
   * @throws {ApiError} 503 with Retry-After when they do not fit now.
   */
  reserve(bytes: number, what: string): () => void {
    if (bytes > this.free) {
      const never = bytes > this.capBytes - this.baseBytes;
      throw new ApiError(
        503,
        "insufficient-memory",
        `${what} needs about ${bytes} bytes of SEAL heap, ${this.free} of the ${this.capBytes}-byte cap are free${
          never ? " (it exceeds the cap even when idle)" : ""
        }; retry later`,
        { "Retry-After": never ? "60" : "2" },
      );
    }
    this.used += bytes;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.used -= bytes;
    };
  }
}

/**
 * SEAL heap of one evaluation of `queries` queries under `plan` (its server half's estimate:
 * inputs, working set, results and scratch).
 */
export function evaluationHeapBytes(plan: PlanServer, _net: Network, queries: number): number {
  return plan.heapBytes(queries);
}
