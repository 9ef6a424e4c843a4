/**
 * The `bfv_simd` plan's client half: one query per slot, decryption with CRT (the BFV client of
 * `schemes/bfv/client/`).
 *
 * @module
 */
import type { ClientHalf } from "../client.ts";
import { BFV_CLIENT } from "../client/bfv.ts";
import type { BfvSpec } from "../bfv.ts";

/** The `bfv_simd` plan's client half. */
export const BFV_SIMD_CLIENT: ClientHalf<BfvSpec> = BFV_CLIENT;
