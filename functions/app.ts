/**
 * The Hono application of the edge function: routes, JSON errors for every refusal, and a
 * JSON 404.
 *
 * @module
 */
import { Hono } from "hono";
import { errorResponse } from "./errors.ts";
import { openApiRoutes } from "./openapi.ts";
import { classifyRoutes } from "./routes/classify.ts";
import { keyRoutes } from "./routes/keys.ts";
import { modelRoutes } from "./routes/model.ts";
import { planRoutes } from "./routes/plan.ts";
import { staticRoutes } from "./routes/static.ts";
import type { HeadService } from "../lib/server/service.ts";

/** Builds the app around a service. */
export function createApp(service: HeadService): Hono {
  const app = new Hono();
  app.onError((err, c) => errorResponse(c, err));
  app.notFound((c) =>
    c.json({ error: { code: "not-found", message: `no route ${c.req.method} ${c.req.path}` } }, 404)
  );
  app.route("/", modelRoutes(service));
  app.route("/", keyRoutes(service));
  app.route("/", classifyRoutes(service));
  app.route("/", planRoutes(service));
  app.route("/", openApiRoutes());
  app.route("/", staticRoutes(service.model.preprocessing));
  return app;
}
