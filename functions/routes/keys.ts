/** `POST /v1/keys`: register evaluation keys (authenticated), answered with their id. @module */
import { Hono } from "hono";
import { PATHS } from "../../lib/protocol/api.ts";
import { ENVELOPE_HEAD_BYTES } from "../../lib/server/envelope_head.ts";
import type { HeadService } from "../../lib/server/service.ts";
import { type AuthEnv, requireToken } from "./auth.ts";
import { envelopeBody } from "./body.ts";

/** The key registration route. */
export function keyRoutes(service: HeadService): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  app.post(PATHS.keys, requireToken(service), async (c) => {
    const body = await envelopeBody(c, {
      maxBytes: service.maxKeyBytes,
      deadlineMs: service.limits.bodyTimeoutMs,
      admit: (bytes) => service.uploads.admit(c.get("principal").id, bytes),
      head: {
        bytes: ENVELOPE_HEAD_BYTES,
        check: (head, declared) => service.envelopeLimit(head, "keys", declared),
      },
    });
    const answer = await service.registerKeys(c.get("principal"), body);
    return c.json(answer, answer.created ? 201 : 200);
  });
  return app;
}
