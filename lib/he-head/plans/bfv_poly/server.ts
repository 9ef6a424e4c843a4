/**
 * The `bfv_poly` plan's server half: the poly encoding for the SEAL backend, and every answer
 * masked with a random multiple of `X - 2` (its decryption is uniform given the logit).
 *
 * @module
 */
import { maskPolyOutputs } from "../../schemes/bfv/server/circuit_privacy.ts";
import { bfvServerHalf } from "../server/bfv.ts";
import type { BfvSpec } from "../bfv.ts";
import type { ServerHalf } from "../server.ts";

/** The `bfv_poly` plan's server half. */
export const BFV_POLY_SERVER: ServerHalf<BfvSpec> = bfvServerHalf((ctx, outputs) =>
  maskPolyOutputs(ctx, outputs)
);
