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

/** The OpenAPI document. */
export const OPENAPI = {
  openapi: "3.1.0",
  info: {
    title: "faster-cryptonets encrypted inference",
    version: "1.0.0",
    description:
      "Evaluates a DP-trained, pruned, power-of-two quantized head homomorphically (BFV) on encrypted " +
      "features. The server never holds a secret key. Binary bodies are versioned envelopes " +
      "(see lib/he-head/wire/envelope.ts).",
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
                        noise_source: { enum: ["crypto", "seeded", null] },
                        private: { type: "boolean" },
                        not_covered: { type: "array", items: { type: "string" } },
                        note: { type: "string" },
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
          "Register evaluation keys (relinearization keys per plaintext modulus); idempotent",
        requestBody: { required: true, content: envelope },
        responses: {
          200: { description: "Already registered" },
          201: { description: "Registered: key_id = SHA-256 of the body" },
          400: error,
          413: error,
          415: error,
          422: error,
        },
      },
    },
    [PATHS.classify]: {
      post: {
        summary: "Evaluate the head on encrypted features; answers encrypted logits",
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
          404: error,
          413: error,
          415: error,
          422: error,
          503: error,
        },
      },
    },
    [PATHS.health]: {
      get: { summary: "Liveness and load", responses: { 200: { description: "OK" } } },
    },
  },
};

/** `GET /openapi.json`. */
export function openApiRoutes(): Hono {
  const app = new Hono();
  app.get(PATHS.openapi, (c) => c.json(OPENAPI));
  return app;
}
