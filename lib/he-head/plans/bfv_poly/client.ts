/**
 * The `bfv_poly` plan's client half: binary-polynomial encoding of each feature, decryption with
 * value-at-2 decoding and CRT (the BFV client of `schemes/bfv/client/`).
 *
 * @module
 */
import type { ClientHalf } from "../client.ts";
import { BFV_CLIENT } from "../client/bfv.ts";
import type { BfvSpec } from "../bfv.ts";

/** The `bfv_poly` plan's client half. */
export const BFV_POLY_CLIENT: ClientHalf<BfvSpec> = BFV_CLIENT;
