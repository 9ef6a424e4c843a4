/**
 * The server's configuration from its environment, checked before anything starts: every limit
 * a positive integer (zero would stall the service), `FCN_AUTH` either `on` or `off`,
 * `FCN_ALLOW_SEEDED_NOISE` unset or `1`. A bad
 * value stops start-up with a message naming the variable.
 *
 * @module
 */
import {
  ALLOW_SEEDED_NOISE_ENV,
  allowSeededNoiseFromEnv,
  SeededNoiseError,
} from "../lib/model/privacy.ts";
import { SEAL_HEAP_MAX_BYTES } from "../lib/he-head/mod.ts";
import type { ServiceConfig } from "../lib/server/limits.ts";

/** Exit status of the server after SEAL ran out of memory (its heap may be unusable: restart). */
export const OOM_EXIT_CODE = 70;

/** What `main.ts` needs to start. */
export interface ServerConfig {
  /** Path or URL of the model, optionally pinned with `#sha256=<hex>`. */
  modelSource: string;
  /** Deno KV path or URL (undefined: Deno's default store). */
  kv: string | undefined;
  service: ServiceConfig;
}

/** Limits read from the environment: variable, service field, unit factor and largest value. */
export const LIMIT_VARIABLES = [
  ["FCN_MAX_CONCURRENT", "concurrency", 1, 1024],
  ["FCN_MAX_QUEUE", "queue", 1, 100_000],
  ["FCN_TIMEOUT_MS", "timeoutMs", 1, 3_600_000],
  ["FCN_KEY_TTL_S", "keyTtlMs", 1000, 365 * 86_400],
  ["FCN_MAX_HEAP_BYTES", "maxHeapBytes", 1, SEAL_HEAP_MAX_BYTES],
  ["FCN_BODY_TIMEOUT_MS", "bodyTimeoutMs", 1, 3_600_000],
  ["FCN_HEALTH_DEADLINE_MS", "healthDeadlineMs", 1, 60_000],
  ["FCN_MAX_INFLIGHT_BODY_BYTES", "maxInflightBodyBytes", 1, 2 ** 40],
  ["FCN_MAX_UPLOADS_PER_TOKEN", "maxUploadsPerToken", 1, 10_000],
] as const;

/** Thrown for a bad variable; the message names it and says what was expected. */
export class ConfigError extends Error {
  constructor(readonly variable: string, message: string) {
    super(`${variable}: ${message}`);
    this.name = "ConfigError";
  }
}

/**
 * Reads the configuration through `get` (e.g. `Deno.env.get`); empty values count as unset.
 *
 * @throws {ConfigError} naming the first bad variable.
 */
export function readConfig(get: (name: string) => string | undefined): ServerConfig {
  const env = (name: string) => get(name) || undefined;
  const service: ServiceConfig = {};
  for (const [name, field, factor, max] of LIMIT_VARIABLES) {
    const v = env(name);
    if (v === undefined) continue;
    const n = /^\s*\d{1,16}\s*$/.test(v) ? Number(v) : NaN;
    if (!Number.isSafeInteger(n) || n < 1 || n > max) {
      throw new ConfigError(
        name,
        `expected an integer from 1 to ${max}, received ${JSON.stringify(v)}`,
      );
    }
    service[field] = n * factor;
  }
  const auth = env("FCN_AUTH") ?? "on";
  if (auth !== "on" && auth !== "off") {
    throw new ConfigError("FCN_AUTH", `expected "on" or "off", received ${JSON.stringify(auth)}`);
  }
  service.auth = auth === "on";
  try {
    service.allowSeededNoise = allowSeededNoiseFromEnv(env(ALLOW_SEEDED_NOISE_ENV));
  } catch (e) {
    if (!(e instanceof SeededNoiseError)) throw e;
    throw new ConfigError(ALLOW_SEEDED_NOISE_ENV, e.message);
  }
  return {
    modelSource: env("FCN_MODEL") ??
      new URL("../models/head/uci_digits.json", import.meta.url).href,
    kv: env("FCN_KV"),
    service,
  };
}
