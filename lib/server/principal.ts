/**
 * Who makes a request: the principal a bearer token names, or, when authentication is off, one
 * shared anonymous principal; either way counted against its requests per minute.
 *
 * @module
 */
import type { Quota } from "../protocol/api.ts";
import { ApiError } from "../protocol/errors.ts";
import type { QuotaStore } from "./quota.ts";
import type { Principal, TokenStore } from "./tokens.ts";

/** What the service warns about when authentication is off. */
export const AUTH_OFF_WARNING =
  "FCN_AUTH=off: anyone who can reach this server may register keys and classify (one shared quota); for local experiments only";

/** The one principal of everyone when authentication is off. */
export function anonymousPrincipal(quota: Quota): Principal {
  return { id: "anonymous", name: "anonymous (FCN_AUTH=off)", quota };
}

/** What authentication needs. */
export interface AuthContext {
  /** Whether a bearer token is required. */
  auth: boolean;
  tokens: TokenStore;
  quotas: QuotaStore;
  /** The principal when `auth` is false. */
  anonymous: Principal;
}

/**
 * The principal of a request (from its Authorization header), counted against its requests
 * per minute.
 *
 * @throws {ApiError} 401 without a valid token, 429 beyond the rate.
 */
export async function authenticate(
  ctx: AuthContext,
  authorization: string | undefined,
): Promise<Principal> {
  let p = ctx.anonymous;
  if (ctx.auth) {
    const m = /^bearer\s+(\S{1,200})\s*$/i.exec(authorization ?? "");
    const found = m ? await ctx.tokens.verify(m[1]) : null;
    if (!found) {
      throw new ApiError(
        401,
        "unauthorized",
        authorization
          ? "expected a valid token (Authorization: Bearer fcn_...), received an unknown, revoked or malformed one"
          : "expected an Authorization: Bearer <token> header (create one with `deno task token create`), received none",
        { "WWW-Authenticate": 'Bearer realm="faster-cryptonets"' },
      );
    }
    p = found;
  }
  await ctx.quotas.countRequest(p);
  return p;
}
