/** `POST /v1/keys`: register evaluation keys, answered with their id. @module */
import { Hono } from "hono";
import { PATHS } from "../../lib/protocol/api.ts";
import type { HeadService } from "../service.ts";
import { envelopeBody, limitBody } from "./body.ts";

/** The key registration route. */
export function keyRoutes(service: HeadService): Hono {
  const app = new Hono();
  app.post(PATHS.keys, limitBody(service.maxKeyBytes), async (c) => {
    const body = await envelopeBody(c);
    const answer = await service.registerKeys(body);
    return c.json(answer, answer.created ? 201 : 200);
  });
  return app;
}
