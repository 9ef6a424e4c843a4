/** `GET /v1/model` and `GET /healthz`. @module */
import { Hono } from "hono";
import { PATHS } from "../../lib/protocol/api.ts";
import { sealRuntime } from "../../lib/he-head/seal/runtime.ts";
import type { HeadService } from "../service.ts";

/** Routes that describe the service. */
export function modelRoutes(service: HeadService): Hono {
  const app = new Hono();
  const description = service.describe();
  app.get(PATHS.model, (c) => c.json(description));
  app.get(PATHS.health, (c) =>
    c.json({
      status: "ok",
      model: service.model.name,
      plans: service.plans.map((p) => p.name),
      load: service.limiter.load,
      heap_bytes: sealRuntime().heapBytes(),
    }));
  return app;
}
