/**
 * Shared setup for the function's tests: a small random head, a service over in-memory KV, and
 * the app behind a fetch function the real client can use.
 *
 * @module
 */
import { createApp } from "../../functions/app.ts";
import type { ServiceConfig } from "../../lib/server/limits.ts";
import { HeadService } from "../../lib/server/service.ts";
import type { QuantizedModel } from "../../lib/model/format.ts";
import { randomHead } from "../fixtures/random_model.ts";

/** A 12 -> 6 -> 4 head with metadata like a trained one. */
export function testModel(seed = 3): QuantizedModel {
  const m = randomHead(seed, 12, 6, 4, { sparsity: 0.4 });
  m.classes = ["a", "b", "c", "d"];
  m.metadata = {
    extractor: { id: "sha256:test-extractor" },
    privacy: { epsilon: 3, delta: 1e-5, accountant: "rdp", noise_source: "crypto" },
    accuracy: { quantized: 0.9 },
  };
  return m;
}

/** Quota large enough never to bind in tests that are not about quotas. */
export const UNLIMITED = {
  requests_per_minute: 1_000_000,
  queries_per_day: 1_000_000_000,
  key_sets: 10_000,
  key_bytes: 1e12,
};

/**
 * A service and app over in-memory KV; `close()` frees everything. Authentication is off unless
 * `config.auth` is true (the auth tests and the loopback tests run with it on); either way `token`
 * is a valid token with an unlimited quota, and `fetch` sends it when a request carries none.
 */
export async function testApp(config: ServiceConfig = {}, model = testModel()) {
  const kv = await Deno.openKv(":memory:");
  const service = await HeadService.create(model, kv, {
    auth: false,
    anonymousQuota: UNLIMITED,
    ...config,
  });
  const app = createApp(service);
  const { token } = await service.tokens.create("test", UNLIMITED);
  const fetch = withToken((req) => Promise.resolve(app.request(req as Request)), token);
  return {
    service,
    app,
    fetch,
    model,
    kv,
    token,
    close() {
      service.close();
      kv.close();
    },
  };
}

/** `fetch` that sends `Authorization: Bearer <token>` when a request carries none. */
export function withToken(base: typeof globalThis.fetch, token: string): typeof globalThis.fetch {
  return ((input: RequestInfo | URL, init?: RequestInit) => {
    const req = new Request(input instanceof Request ? input : String(input), init);
    if (!req.headers.has("authorization")) req.headers.set("authorization", `Bearer ${token}`);
    return base(req);
  }) as typeof globalThis.fetch;
}

/**
 * Runs `tests/functions/fixtures/server_process.ts` (the server's setup without its listener) with
 * a small model and one probe; returns its exit code and output.
 */
export async function serverProcess(probe: string, env: Record<string, string> = {}) {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/model.json`, JSON.stringify(testModel()));
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-all", "tests/functions/fixtures/server_process.ts", probe],
      env: { FCN_MODEL: `${dir}/model.json`, FCN_KV: `${dir}/keys.kv`, ...env },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = (b: Uint8Array) => new TextDecoder().decode(b);
    return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
