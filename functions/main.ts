/**
 * Entry point of the edge function for `deno serve` (and Deno Deploy):
 *
 * ```sh
 * deno serve --allow-read --allow-env --allow-net --unstable-kv functions/main.ts
 * ```
 *
 * Environment: `FCN_MODEL` (path or URL of the head model, default
 * `models/head/uci_digits.json`; `#sha256=<hex>` pins its digest), `FCN_KV` (Deno KV path or
 * URL; default Deno's own store; tokens live there too), `FCN_AUTH` (`on`, default, or `off` for
 * local experiments), and the limits `FCN_MAX_CONCURRENT`, `FCN_MAX_QUEUE`, `FCN_TIMEOUT_MS`,
 * `FCN_KEY_TTL_S`, `FCN_MAX_HEAP_BYTES`, `FCN_BODY_TIMEOUT_MS`, `FCN_HEALTH_DEADLINE_MS`,
 * `FCN_MAX_INFLIGHT_BODY_BYTES` (request bodies being received at once; default four times the
 * largest body), `FCN_MAX_UPLOADS_PER_TOKEN` (default 16) (positive integers; see `config.ts`),
 * and `FCN_ALLOW_SEEDED_NOISE=1` to serve a head trained with seeded (replayable, so not
 * private) DP noise, which is refused otherwise.
 *
 * @module
 */
import { parseModelJson } from "../lib/model/parse.ts";
import { SeededNoiseError } from "../lib/model/privacy.ts";
import { loadSeal, onSealOutOfMemory } from "../lib/he-head/mod.ts";
import { createApp } from "./app.ts";
import { ConfigError, OOM_EXIT_CODE, readConfig } from "./config.ts";
import { loadModelText } from "./model_source.ts";
import { forbidSecretKeys } from "../lib/he-head/server.ts";
import { AUTH_OFF_WARNING } from "../lib/server/principal.ts";
import { HeadService } from "../lib/server/service.ts";

async function start(): Promise<HeadService> {
  const config = readConfig((name) => Deno.env.get(name));
  // After std::bad_alloc the next call into SEAL may never return: fail fast instead.
  onSealOutOfMemory((e) => {
    console.error(`faster-cryptonets: SEAL ran out of memory (${e.message}); exiting`);
    Deno.exit(OOM_EXIT_CODE);
  });
  const model = await loadModelText(config.modelSource);
  if (!model.pinned && /^https?:/.test(config.modelSource)) {
    console.error("faster-cryptonets: FCN_MODEL is a URL without #sha256=<hex>: not pinned");
  }
  // This process serves only: SEAL's secret-key classes are disabled before anything runs.
  forbidSecretKeys((await loadSeal()).seal);
  const kv = await Deno.openKv(config.kv);
  const service = await HeadService.create(parseModelJson(model.text), kv, config.service);
  if (!service.auth) {
    const bar = "!".repeat(78);
    console.error(`${bar}\nWARNING: ${AUTH_OFF_WARNING}\n${bar}`);
  }
  console.error(
    `faster-cryptonets: serving ${service.model.name} with plans ${
      service.plans.map((p) => p.name).join(", ")
    }; auth ${service.auth ? "bearer tokens" : "OFF"}`,
  );
  return service;
}

let service: HeadService;
try {
  service = await start();
} catch (e) {
  // Configuration errors name their variable; say it in one line and stop.
  const known = e instanceof ConfigError || e instanceof SeededNoiseError ||
    e instanceof RangeError;
  console.error(`faster-cryptonets: cannot start: ${known ? (e as Error).message : e}`);
  Deno.exit(2);
}

/** The Hono app around the service: `deno serve` calls its `fetch` for every request. */
const app: Deno.ServeDefaultExport = createApp(service);
export default app;
