/**
 * Starts the real edge function with `deno serve` on a free loopback port, for end-to-end tests
 * and the demo, and stops it.
 *
 * @module
 */

/** A running server. */
export interface RunningServer {
  base: string;
  process: Deno.ChildProcess;
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** Spawns `deno serve functions/main.ts` with `env` and waits until /healthz answers. */
export async function startServer(
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<RunningServer> {
  const port = freePort();
  const root = new URL("../../", import.meta.url);
  const process = new Deno.Command(Deno.execPath(), {
    args: [
      "serve",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      "--allow-net",
      "--port",
      String(port),
      "--host",
      "127.0.0.1",
      "functions/main.ts",
    ],
    cwd: root,
    env,
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    try {
      process.kill("SIGTERM");
    } catch { /* already gone */ }
    await process.status;
    await process.stderr.cancel().catch(() => {});
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${base}/healthz`);
      await res.body?.cancel();
      if (res.ok) return { base, process, stop };
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  await stop();
  throw new Error(`the server did not answer on ${base} within ${timeoutMs} ms`);
}
