/** The OpenAPI 3.1 document of the API (`GET /openapi.json`). @module */
import { Hono } from "hono";
import {
  ENVELOPE_TYPE,
  KEY_ID_HEADER,
  PATHS,
  PLAN_HEADER,
  SERVER_MS_HEADER,
} from "../lib/protocol/api.ts";

const error = {
  description: "Refused; the body says why",
  content: {
    "application/json": {
      schema: {
        type: "object",
        required: ["error"],
        properties: {
          error: {
            type: "object",
            required: ["code", "message"],
            properties: { code: { type: "string" }, message: { type: "string" } },
          },
        },
      },
    },
  },
};
const envelope = { [ENVELOPE_TYPE]: { schema: { type: "string", format: "binary" } } };
const retryAfter = {
  headers: { "Retry-After": { description: "Seconds to wait", schema: { type: "integer" } } },
};
/** Answers every authenticated route may give besides its own. */
const guarded = {
  401: { ...error, description: "No valid bearer token (see WWW-Authenticate)" },
  408: { ...error, description: "The body did not arrive in full within limits.body_timeout_ms" },
  413: { ...error, description: "The body (or its inflated envelope) exceeds the limit" },
  415: { ...error, description: "Another content type, or a Content-Encoding" },
  429: {
    ...error,
    ...retryAfter,
    description:
      "A quota of the token is used up: requests per minute, stored key sets or key bytes, encrypted queries per day; or the token has too many uploads in progress",
  },
  503: {
    ...error,
    ...retryAfter,
    description:
      "Busy (queue full, deadline, too many bytes of request bodies being received), not enough SEAL heap for the request, or an internal failure",
  },
};

/** The OpenAPI document. */
export const OPENAPI = {
  openapi: "3.1.0",
  info: {
    title: "faster-cryptonets encrypted inference",
    version: "1.0.0",
    description:
      "Evaluates a DP-trained, pruned, power-of-two quantized head homomorphically (BFV) on encrypted " +
      "features. The server never holds a secret key. Binary bodies are versioned envelopes " +
      "(see lib/he-head/wire/envelope.ts). POST routes need `Authorization: Bearer <token>` " +
      "(created with `deno task token create`), unless the server runs with FCN_AUTH=off.",
  },
  components: {
    securitySchemes: {
      bearer: { type: "http", scheme: "bearer", description: "fcn_ and 43 base64url characters" },
    },
  },
  paths: {
    [PATHS.model]: {
      get: {
        summary:
          "Model description: architecture (no weights), plans and their HE parameters, input quantization, extractor id, privacy statement (epsilon, delta, noise_source, private, not_covered), accuracy",
        responses: {
          200: {
            description: "The description",
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  properties: {
                    privacy: {
                      type: "object",
                      description:
                        "The DP claim: private is true only for secret (crypto) noise; not_covered lists what the guarantee does not cover; note says why a model is not private",
                      required: [
                        "epsilon",
                        "delta",
                        "accountant",
                        "noise_source",
                        "private",
                        "not_covered",
                      ],
                      properties: {
                        epsilon: { type: ["number", "null"] },
                        delta: { type: ["number", "null"] },
                        accountant: { type: ["string", "null"] },
                        accountant_id: { enum: ["pld", "rdp"] },
                        epsilon_rdp: { type: "number" },
                        epsilon_pld: { type: "number" },
                        noise_source: { enum: ["crypto", "seeded", null] },
                        private: { type: "boolean" },
                        not_covered: { type: "array", items: { type: "string" } },
                        note: { type: "string" },
                      },
                    },
                    plans: {
                      type: "array",
                      description:
                        "Offered plans; exact is true when answers equal the integer head bit for bit (poly, simd, bfv-packed, bfv-wide), false for the approximate CKKS packed plan",
                      items: {
                        type: "object",
                        required: ["name", "encoding", "exact"],
                        properties: {
                          name: { type: "string" },
                          encoding: { enum: ["poly", "simd", "packed", "bfv-packed", "bfv-wide"] },
                          exact: { type: "boolean" },
                        },
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
    [PATHS.keys]: {
      post: {
        summary:
          "Register evaluation keys (relinearization, Galois and public keys per plaintext modulus); idempotent",
        security: [{ bearer: [] }],
        requestBody: { required: true, content: envelope },
        responses: {
          200: { description: "Already registered (by this or another token)" },
          201: {
            description:
              "Registered: key_id = SHA-256 over the plan and the keys' canonical content (not over the envelope's spelling)",
          },
          400: error,
          422: error,
          ...guarded,
        },
      },
    },
    [PATHS.classify]: {
      post: {
        summary: "Evaluate the head on encrypted features; answers encrypted logits",
        security: [{ bearer: [] }],
        parameters: [{
          name: KEY_ID_HEADER,
          in: "header",
          required: false,
          schema: { type: "string" },
        }],
        requestBody: {
          required: true,
          content: {
            ...envelope,
            "multipart/form-data": {
              schema: {
                type: "object",
                properties: {
                  inputs: { type: "string", format: "binary" },
                  keys: { type: "string", format: "binary" },
                },
              },
            },
          },
        },
        responses: {
          200: {
            description: "Encrypted logits (an envelope of results)",
            headers: {
              [PLAN_HEADER]: { schema: { type: "string" } },
              [SERVER_MS_HEADER]: { schema: { type: "number" } },
            },
            content: envelope,
          },
          400: error,
          404: { ...error, description: "No keys with this id registered by this token" },
          422: error,
          ...guarded,
        },
      },
    },
    [PATHS.plan]: {
      get: {
        summary:
          "The planner: the fastest usable plan for ?queries=N (and ?registered=a,b), or an exact plan within 1.5x of a faster approximate one",
        responses: {
          200: {
            description:
              "plan, estimated_ms, exact, and every candidate with its estimate and exact",
          },
          400: { description: "queries is not an integer in [1, 1000000]" },
          409: { description: "no usable plan (no registered keys)" },
        },
      },
    },
    [PATHS.health]: {
      get: {
        summary: "Liveness, load and a tiny SEAL operation within a deadline",
        responses: {
          200: { description: "OK" },
          503: { ...retryAfter, description: "SEAL failed the probe or missed its deadline" },
        },
      },
    },
  },
};

/** `GET /openapi.json`. */
export function openApiRoutes(): Hono {
  const app = new Hono();
  app.get(PATHS.openapi, (c) => c.json(OPENAPI));
  return app;
}
