/**
 * Entry point of the edge function for `deno serve` (and Deno Deploy):
 *
 * ```sh
 * deno serve --allow-read --allow-env --allow-net --unstable-kv functions/main.ts
 * ```
 *
 * Environment: `FCN_MODEL` (path or URL of the head model, default
 * `models/head/uci_digits.json`), `FCN_KV` (Deno KV path or URL; default Deno's own store),
 * `FCN_MAX_CONCURRENT`, `FCN_MAX_QUEUE`, `FCN_TIMEOUT_MS`, `FCN_KEY_TTL_S`.
 *
 * @module
 */
import { parseModelJson } from "../lib/he-head/model/parse.ts";
import { loadSeal } from "../lib/he-head/seal/runtime.ts";
import { createApp } from "./app.ts";
import { forbidSecretKeys } from "./seal_guard.ts";
import { HeadService } from "./service.ts";

function env(name: string): string | undefined {
  return Deno.env.get(name) || undefined;
}

function intEnv(name: string): number | undefined {
  const v = env(name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) {
    throw new RangeError(`${name}: expected a non-negative integer, received ${v}`);
  }
  return n;
}

const modelSource = env("FCN_MODEL") ??
  new URL("../models/head/uci_digits.json", import.meta.url).href;
const text = /^https?:/.test(modelSource)
  ? await (await fetch(modelSource)).text()
  : await Deno.readTextFile(modelSource.startsWith("file:") ? new URL(modelSource) : modelSource);
// This process serves only: SEAL's secret-key classes are disabled before anything runs.
forbidSecretKeys((await loadSeal()).seal);
const kv = await Deno.openKv(env("FCN_KV"));
const service = await HeadService.create(parseModelJson(text), kv, {
  concurrency: intEnv("FCN_MAX_CONCURRENT"),
  queue: intEnv("FCN_MAX_QUEUE"),
  timeoutMs: intEnv("FCN_TIMEOUT_MS"),
  keyTtlMs: intEnv("FCN_KEY_TTL_S") !== undefined ? intEnv("FCN_KEY_TTL_S")! * 1000 : undefined,
});
console.error(
  `faster-cryptonets: serving ${service.model.name} with plans ${
    service.plans.map((p) => p.name).join(", ")
  }`,
);

export default createApp(service) satisfies Deno.ServeDefaultExport;
