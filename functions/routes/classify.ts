/**
 * `POST /v1/classify` (authenticated): an envelope of encrypted features (one query, or a simd
 * batch) with the `x-key-id` of registered keys; or, statelessly, a multipart body with parts
 * `inputs` and `keys`. Answers an envelope of encrypted logits.
 *
 * @module
 */
import { Hono } from "hono";
import {
  ENVELOPE_TYPE,
  KEY_ID_HEADER,
  PATHS,
  PLAN_ESTIMATE_HEADER,
  PLAN_HEADER,
  SERVER_MS_HEADER,
} from "../../lib/protocol/api.ts";
import { ENVELOPE_HEAD_BYTES } from "../../lib/server/envelope_head.ts";
import { ApiError } from "../../lib/protocol/errors.ts";
import type { HeadService } from "../../lib/server/service.ts";
import { type AuthEnv, requireToken } from "./auth.ts";
import { envelopeBody, mediaType, multipartParts } from "./body.ts";

/** The classification route. */
export function classifyRoutes(service: HeadService): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  app.post(PATHS.classify, requireToken(service), async (c) => {
    const deadlineMs = service.limits.bodyTimeoutMs;
    const id = c.get("principal").id;
    const admit = (bytes: number) => service.uploads.admit(id, bytes);
    let inputs: Uint8Array, keys: Uint8Array | null = null;
    if (mediaType(c) === "multipart/form-data") {
      const parts = await multipartParts(c, ["inputs", "keys"], {
        maxBytes: service.maxBodyBytes + service.maxKeyBytes,
        deadlineMs,
        admit,
      });
      if (!parts.inputs || !parts.keys) {
        throw new ApiError(
          400,
          "missing-part",
          'expected multipart parts "inputs" and "keys" (files)',
        );
      }
      [inputs, keys] = [parts.inputs, parts.keys];
      if (inputs.length > service.maxBodyBytes || keys.length > service.maxKeyBytes) {
        throw new ApiError(
          413,
          "body-too-large",
          `expected at most ${service.maxBodyBytes} bytes of inputs and ${service.maxKeyBytes} of keys, received ${inputs.length} and ${keys.length}`,
        );
      }
    } else {
      inputs = await envelopeBody(c, {
        maxBytes: service.maxBodyBytes,
        deadlineMs,
        admit,
        head: {
          bytes: ENVELOPE_HEAD_BYTES,
          check: (head, declared) => service.envelopeLimit(head, "ciphertexts", declared),
        },
      });
    }
    const keyId = c.req.header(KEY_ID_HEADER) ?? null;
    const r = await service.classify(c.get("principal"), inputs, keys ? null : keyId, keys);
    c.header(PLAN_HEADER, r.plan.name);
    c.header(SERVER_MS_HEADER, r.serverMs.toFixed(1));
    c.header(PLAN_ESTIMATE_HEADER, r.estimatedMs.toFixed(1));
    c.header("content-type", ENVELOPE_TYPE);
    return c.body(r.body as Uint8Array<ArrayBuffer>, 200);
  });
  return app;
}
