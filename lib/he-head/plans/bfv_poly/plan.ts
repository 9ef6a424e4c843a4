/**
 * The `bfv_poly` plan, the paper's encoding: one query, one BFV ciphertext per feature,
 * power-of-two weights as monomials (exact); every answer masked with a random multiple of
 * `X - 2`, so the parameters hold the logits' range and the client decodes at 2. Charged one
 * query per request.
 *
 * @module
 */
import { bfvDefinition } from "../bfv.ts";

/** The `bfv_poly` plan's shared definition. */
export const BFV_POLY = bfvDefinition({
  kind: "bfv_poly",
  encoding: "poly",
  maskedOutputs: true,
  maxQueries: () => 1,
  chargedPerQuery: false,
  maskNote:
    "decrypted coefficients are uniform given the logit (a random multiple of X - 2 is added)",
});
