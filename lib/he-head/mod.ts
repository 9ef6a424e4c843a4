/**
 * The HE head: the quantized model format, the engine that evaluates it exactly (an integer
 * reference backend and SEAL BFV backends in two encodings), parameter selection, HOP accounting
 * and the wire format of ciphertexts and keys.
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
export * from "./engine/plain.ts";
export * from "./schemes/bfv/bfv_params.ts";
export * from "./schemes/bfv/select.ts";
export * from "./engine/op_costs.ts";
export * from "./engine/primes.ts";
export * from "./schemes/bfv/noise_backend.ts";
export * from "./engine/interval_backend.ts";
export * from "./schemes/bfv/coefficient_backend.ts";
export * from "./seal/runtime.ts";
export * from "./seal/context.ts";
export * from "./schemes/bfv/plaintexts.ts";
export * from "./schemes/bfv/server/seal_backend.ts";
export * from "./seal/server/evaluation_keys.ts";
export * from "./schemes/bfv/server/evaluate_encrypted.ts";
export * from "./engine/crt.ts";
export * from "./seal/client/keys.ts";
export * from "./schemes/bfv/client/encrypt.ts";
export * from "./schemes/bfv/client/decrypt.ts";
export * from "./wire/envelope.ts";
export * from "./wire/payloads.ts";
export * from "./schemes/bfv/modulus_switch.ts";
export * from "./packed/mod.ts";
export * from "./plans/mod.ts";
export * from "./seal/galois.ts";
export * from "./engine/rns_backend.ts";
