/**
 * The `bfv_simd` plan: a batch of queries in BFV slots, one ciphertext per feature (exact); the
 * slots beyond the request's queries masked with uniform values. Charged the request's queries.
 *
 * @module
 */
import { bfvDefinition } from "../bfv.ts";

/** The `bfv_simd` plan's shared definition. */
export const BFV_SIMD = bfvDefinition({
  kind: "bfv_simd",
  encoding: "simd",
  maskedOutputs: false,
  maxQueries: (params) => params.polyModulusDegree,
  chargedPerQuery: true,
  maskNote: "slots beyond the request's queries hold uniform values",
});
