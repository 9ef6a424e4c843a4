/**
 * Starts the real edge function with `deno serve` on a free loopback port (for end-to-end tests,
 * the demo and the load test) and stops it; issues the bearer tokens they authenticate with.
 *
 * @module
 */
import type { Quota } from "../protocol/api.ts";
import { TokenStore } from "./tokens.ts";

/** The edge function's entry point, by path (whatever the caller's working directory). */
const MAIN = decodeURIComponent(new URL("../../functions/main.ts", import.meta.url).pathname);

/** What each worker of the function prints once it serves (`functions/main.ts`). */
const SERVING = "faster-cryptonets: serving ";

/** A running server. */
export interface RunningServer {
  /** e.g. `http://127.0.0.1:43121`. */
  base: string;
  /** The `deno serve` process. */
  process: Deno.ChildProcess;
  /** The last lines the server wrote to stderr. */
  log(): string;
  /** Stops the server (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/**
 * The arguments of `deno serve` for the function on `port` of 127.0.0.1 (0: any free port); with
 * `workers` > 1, `--parallel` (the number of workers is then `DENO_JOBS`, see
 * {@linkcode startServer}).
 */
export function serveArgs(port: number, workers = 1): string[] {
  return [
    "serve",
    ...(workers > 1 ? ["--parallel"] : []),
    "--allow-read",
    "--allow-write",
    "--allow-env",
    "--allow-net",
    "--port",
    String(port),
    "--host",
    "127.0.0.1",
    MAIN,
  ];
}

/** Options of {@linkcode startServer}. */
export interface StartOptions {
  /**
   * Workers: above 1, `deno serve --parallel` with `DENO_JOBS` workers, each its own isolate
   * with its own SEAL instance, sharing the listening port and the KV store. Default 1.
   */
  workers?: number;
}

/**
 * Spawns `deno serve <repo>/functions/main.ts` with `env` (e.g. `FCN_MODEL`, `FCN_KV`) and waits until
 * `/healthz` answers (with several workers: until every worker has started).
 */
export async function startServer(
  env: Record<string, string>,
  timeoutMs = 120_000,
  options: StartOptions = {},
): Promise<RunningServer> {
  const port = freePort();
  const workers = options.workers ?? 1;
  if (!Number.isSafeInteger(workers) || workers < 1) {
    throw new RangeError(`workers: expected a positive integer, received ${workers}`);
  }
  const process = new Deno.Command(Deno.execPath(), {
    args: serveArgs(port, workers),
    // Relative paths in `env` (e.g. `FCN_MODEL=models/head/...`) are from the repository root.
    cwd: new URL("../../", import.meta.url),
    env: workers > 1 ? { ...env, DENO_JOBS: String(workers) } : env,
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let tail = "", head = "";
  const drained = (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of process.stderr) {
      const text = decoder.decode(chunk);
      tail = (tail + text).slice(-8192);
      if (head.length < 65536) head += text;
    }
  })();
  // Each worker says it serves once its SEAL instance and plans are ready.
  const ready = () => workers === 1 || head.split(SERVING).length - 1 >= workers;
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    try {
      process.kill("SIGTERM");
    } catch { /* already gone */ }
    await process.status;
    await drained;
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${base}/healthz`);
      await res.body?.cancel();
      if (res.ok && ready()) return { base, process, log: () => tail, stop };
    } catch { /* not up yet */ }
    const exited = await Promise.race([
      process.status,
      new Promise((r) => setTimeout(() => r(null), 200)),
    ]);
    if (exited) break;
  }
  await stop();
  throw new Error(`the server did not come up on ${base}:\n${tail}`);
}

/**
 * Creates a bearer token in the server's KV (e.g. `${dir}/keys.kv`, before or while the server
 * runs) and returns it: what the demo, the load test and end-to-end tests authenticate with.
 */
export async function issueToken(
  kvPath: string,
  name: string,
  quota: Partial<Quota> = {},
): Promise<string> {
  const kv = await Deno.openKv(kvPath);
  try {
    return (await new TokenStore(kv).create(name, quota)).token;
  } finally {
    kv.close();
  }
}
