/**
 * Shared setup for the function's tests: a small random head, a service over in-memory KV, and
 * the app behind a fetch function the real client can use.
 *
 * @module
 */
import { createApp } from "../../functions/app.ts";
import { HeadService, type ServiceConfig } from "../../functions/service.ts";
import type { QuantizedModel } from "../../lib/he-head/model/format.ts";
import { randomHead } from "../he-head/random_model.ts";

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

/** A service and app over in-memory KV; `close()` frees everything. */
export async function testApp(config: ServiceConfig = {}, model = testModel()) {
  const kv = await Deno.openKv(":memory:");
  const service = await HeadService.create(model, kv, config);
  const app = createApp(service);
  const fetch = ((input: RequestInfo | URL, init?: RequestInit) =>
    Promise.resolve(
      app.request(input instanceof Request ? input : String(input), init),
    )) as typeof globalThis.fetch;
  return {
    service,
    app,
    fetch,
    model,
    close() {
      service.close();
      kv.close();
    },
  };
}
