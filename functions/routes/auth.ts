/**
 * Authentication of the POST routes: the bearer token names a principal (or the shared anonymous
 * one when `FCN_AUTH=off`), counted against its requests per minute before the body is read.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { AUTH_HEADER } from "../../lib/protocol/api.ts";
import type { HeadService } from "../../lib/server/service.ts";
import type { Principal } from "../../lib/server/tokens.ts";

/** Hono environment of authenticated routes. */
export type AuthEnv = { Variables: { principal: Principal } };

/** Middleware answering 401 without a valid token and 429 beyond the token's rate. */
export function requireToken(service: HeadService): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    c.set("principal", await service.authenticate(c.req.header(AUTH_HEADER)));
    await next();
  };
}
