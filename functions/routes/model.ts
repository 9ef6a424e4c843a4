/** `GET /v1/model` and `GET /healthz` (public). @module */
import { Hono } from "hono";
import { PATHS } from "../../lib/protocol/api.ts";
import { sealRuntime } from "../../lib/he-head/mod.ts";
import { AUTH_OFF_WARNING } from "../../lib/server/principal.ts";
import type { HeadService } from "../../lib/server/service.ts";

/** Routes that describe the service. */
export function modelRoutes(service: HeadService): Hono {
  const app = new Hono();
  const description = service.describe();
  app.get(PATHS.model, (c) => c.json(description));
  app.get(PATHS.health, (c) => {
    const probe = service.health();
    if (!probe.ok) c.header("Retry-After", "10");
    return c.json({
      status: probe.ok ? "ok" : "unhealthy",
      model: service.model.name,
      instance: service.instance,
      plans: service.plans.map((p) => p.name),
      auth: service.auth ? "bearer" : "off",
      ...(service.auth ? {} : { warning: AUTH_OFF_WARNING }),
      load: service.limiter.load,
      seal_probe: probe,
      heap_bytes: sealRuntime().heapBytes(),
      heap_cap_bytes: service.heap.capBytes,
      heap_reserved_bytes: service.heap.reserved,
    }, probe.ok ? 200 : 503);
  });
  return app;
}
