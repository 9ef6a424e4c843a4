/**
 * Connections to a server with several workers (`deno serve --parallel`), each pinned to a known
 * worker: the kernel spreads new connections over the workers at random, so the load test opens
 * connections until each client has one to its worker (client `c` to worker `c mod workers`),
 * identified by the `instance` of `GET /healthz` on that connection.
 *
 * @module
 */

/** A connection pinned to one worker. */
export interface PinnedConnection {
  /** The HTTP client holding the connection (pass as `fetch`'s `client`). */
  client: Deno.HttpClient;
  /** The worker's instance id (`GET /healthz`). */
  instance: string;
  /** The worker's WebAssembly heap (bytes), read over this connection. */
  heap(): Promise<number>;
}

async function health(base: string, client: Deno.HttpClient) {
  const res = await fetch(`${base}/healthz`, { client });
  if (!res.ok) throw new Error(`GET /healthz: expected 200, received ${res.status}`);
  return (await res.json()) as { instance: string; heap_bytes: number };
}

/**
 * `count` connections, client `c`'s to worker `c mod workers` (workers numbered in the order their
 * instances are first seen).
 *
 * @throws {Error} when `workers` distinct instances do not show up within 64 connections each.
 */
export async function pinnedConnections(
  base: string,
  count: number,
  workers: number,
): Promise<PinnedConnection[]> {
  const seen: string[] = [];
  const out: PinnedConnection[] = [];
  try {
    for (let c = 0; c < count; c++) {
      const want = c % workers;
      for (let attempt = 0;; attempt++) {
        if (attempt === 64 * workers) {
          throw new Error(
            `expected ${workers} workers answering on ${base}, found ${seen.length} after ${attempt} connections`,
          );
        }
        const client = Deno.createHttpClient({});
        const { instance } = await health(base, client);
        if (!seen.includes(instance) && seen.length < workers) seen.push(instance);
        if (seen[want] === instance) {
          out.push({ client, instance, heap: async () => (await health(base, client)).heap_bytes });
          break;
        }
        client.close();
      }
    }
  } catch (e) {
    out.forEach((k) => k.client.close());
    throw e;
  }
  return out;
}

/** Each worker's heap (bytes), through the first connection to it. */
export async function workerHeaps(connections: readonly PinnedConnection[]): Promise<number[]> {
  const first = new Map<string, PinnedConnection>();
  for (const k of connections) if (!first.has(k.instance)) first.set(k.instance, k);
  return await Promise.all([...first.values()].map((k) => k.heap()));
}
