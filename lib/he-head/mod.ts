/**
 * The HE head, shared part (no secret key, no server evaluation): the engine that evaluates the
 * quantized head exactly (integer, residue, interval and noise backends), the schemes' parameter
 * sets and analysis (BFV selection, CKKS presets), the SEAL runtime and contexts, the wire format
 * of ciphertexts and keys, and the plans (definitions, registry, planner, descriptions). The
 * client half is `client.ts`, the server half `server.ts`. Re-exports the model format.
 *
 * @example
 * ```ts
 * import { compileModel, countHops, formatHopsTable, predictPlain, readModel } from "./mod.ts";
 * const net = compileModel(await readModel("models/head/uci_digits.json"));
 * console.log(predictPlain(net, new Int32Array(net.inputSize), 1));
 * console.log(formatHopsTable(countHops(net, { encoding: "poly" })));
 * ```
 *
 * @module
 */
export * from "../model/mod.ts";
export * from "./engine/backend.ts";
export * from "./engine/hops.ts";
export * from "./engine/evaluate.ts";
export * from "./engine/integer_backend.ts";
export * from "./engine/interval_backend.ts";
export * from "./engine/plain.ts";
export * from "./engine/op_costs.ts";
export * from "./engine/primes.ts";
export * from "./engine/crt.ts";
export * from "./engine/rns_backend.ts";
export * from "./engine/output_bound.ts";
export * from "./schemes/bfv/bfv_params.ts";
export * from "./schemes/bfv/select.ts";
export * from "./schemes/bfv/noise_backend.ts";
export * from "./schemes/bfv/coefficient_backend.ts";
export * from "./schemes/bfv/flooding.ts";
export * from "./schemes/bfv/modulus_switch.ts";
export * from "./schemes/bfv/plaintexts.ts";
export type { BfvPackedParams } from "./schemes/bfv/packed_params.ts";
export * from "./schemes/ckks/ckks_params.ts";
export * from "./schemes/ckks/ckks_context.ts";
export * from "./schemes/ckks/packed_matvec.ts";
export * from "./seal/runtime.ts";
export * from "./seal/context.ts";
export * from "./schemes/bfv/bfv_context.ts";
export * from "./seal/galois.ts";
export * from "./seal/outputs.ts";
export * from "./wire/envelope.ts";
export * from "./wire/params_hash.ts";
export * from "./wire/payloads.ts";
export * from "./plans/mod.ts";
export * from "./schemes/ckks/quadratic_form.ts";
export * from "./schemes/ckks/packed_layout.ts";
export * from "./plans/ckks_packed/diagonals.ts";
export * from "./plans/ckks_network/packed_network.ts";
