/**
 * A `fetch` that records what the page sends and receives (bytes of each request and answer, the
 * first bytes of the last query the server saw) and gives every request a deadline, so that a
 * server that never answers becomes an error on the page instead of a silent hang.
 *
 * @module
 */

/** What went over the wire. */
export interface Traffic {
  /** Bytes of request bodies sent. */
  sent: number;
  /** Bytes of answers received (bodies). */
  received: number;
  /** The last classify request's body (what the server saw). */
  lastQuery: Uint8Array | null;
}

/** A request that got no answer in time. */
export class TimeoutError extends Error {
  /**
   * Creates a {@linkcode TimeoutError}.
   *
   * @param url what was asked
   * @param ms the deadline
   */
  constructor(url: string, ms: number) {
    super(`no answer from ${url} within ${(ms / 1000).toFixed(0)} s`);
    this.name = "TimeoutError";
  }
}

/** A fetch recording into `traffic`, each request aborted after `deadlineMs()`. */
export function recordingFetch(traffic: Traffic, deadlineMs: () => number): typeof fetch {
  return (async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = String(input instanceof Request ? input.url : input);
    const body: Uint8Array | null = init.body instanceof Uint8Array ? init.body : null;
    if (body) {
      traffic.sent += body.length;
      if (url.endsWith("/v1/classify")) traffic.lastQuery = body;
    }
    const ms = deadlineMs();
    let res: Response;
    try {
      res = await fetch(input, { ...init, signal: AbortSignal.timeout(ms) });
    } catch (e) {
      if ((e as Error).name === "TimeoutError") throw new TimeoutError(url, ms);
      throw e;
    }
    const bytes = await res.arrayBuffer();
    traffic.received += bytes.byteLength;
    const empty = [101, 204, 205, 304].includes(res.status);
    return new Response(empty ? null : bytes, {
      status: res.status,
      statusText: res.statusText,
      headers: res.headers,
    });
  }) as typeof fetch;
}
