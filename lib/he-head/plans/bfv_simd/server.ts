/**
 * The `bfv_simd` plan's server half: the slot encoding for the SEAL backend, and the slots beyond
 * the request's queries masked with uniform values.
 *
 * @module
 */
import { maskSpareSlots } from "../../schemes/bfv/server/circuit_privacy.ts";
import { bfvServerHalf } from "../server/bfv.ts";
import type { BfvSpec } from "../bfv.ts";
import type { ServerHalf } from "../server.ts";

/** The `bfv_simd` plan's server half. */
export const BFV_SIMD_SERVER: ServerHalf<BfvSpec> = bfvServerHalf(maskSpareSlots);
