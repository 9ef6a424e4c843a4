/**
 * The server side of faster-cryptonets without HTTP: {@linkcode HeadService} holds the model,
 * its served plans, bearer tokens and quotas (Deno KV), the key store and cache, the evaluation
 * limiter, SEAL's heap budget and the upload gate; it only ever evaluates (no secret key). The
 * Hono routes of `functions/` call it; `startServer` runs the real function on loopback for
 * tests, the demo and the load test.
 *
 * @example
 * ```ts
 * import { issueToken, startServer } from "./mod.ts";
 *
 * const dir = await Deno.makeTempDir();
 * const token = await issueToken(`${dir}/keys.kv`, "demo");
 * const server = await startServer({ FCN_KV: `${dir}/keys.kv` });
 * try {
 *   const model = await fetch(`${server.base}/v1/model`);
 *   console.log((await model.json()).plans.length, "plans; token", token.slice(0, 8));
 * } finally {
 *   await server.stop();
 * }
 * ```
 *
 * @module
 */
export * from "./service.ts";
export * from "./limits.ts";
export { AUTH_OFF_WARNING } from "./principal.ts";
export type { ClassifyResult } from "./classify.ts";
export * from "./tokens.ts";
export * from "./quota.ts";
export * from "./limiter.ts";
export * from "./heap.ts";
export * from "./upload_gate.ts";
export * from "./local_server.ts";
export type * from "../protocol/mod.ts";
// The plan types the service's public members name (declared by the plans).
export type {
  HeadShape,
  KeyNeeds,
  PlanCost,
  PlanOptions,
  PlanPrivacy,
  PlanSpec,
  SchemeParams,
} from "../he-head/mod.ts";
export type { EvaluateOptions, PlanOutput, PlanServer, StageTimes } from "../he-head/server.ts";
export type { EvaluationKeys } from "../he-head/server.ts";
export type { HopCounts, KeyBlobs, LayerHops, PlanCandidate } from "../he-head/mod.ts";
export type * from "../model/mod.ts";
