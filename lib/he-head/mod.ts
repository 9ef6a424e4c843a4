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
export * from "./params/he_params.ts";
export * from "./params/select.ts";
export * from "./engine/op_costs.ts";
export * from "./engine/primes.ts";
export * from "./params/noise_backend.ts";
export * from "./engine/interval_backend.ts";
export * from "./params/coefficient_backend.ts";
export * from "./seal/runtime.ts";
export * from "./seal/context.ts";
export * from "./seal/plaintexts.ts";
export * from "./seal/seal_backend.ts";
export * from "./seal/evaluation_keys.ts";
export * from "./seal/evaluate_encrypted.ts";
export * from "./engine/crt.ts";
export * from "./client/keys.ts";
export * from "./client/encrypt.ts";
export * from "./client/decrypt.ts";
export * from "./wire/envelope.ts";
export * from "./wire/payloads.ts";
export * from "./seal/modulus_switch.ts";
export * from "./packed/mod.ts";
export * from "./plans/mod.ts";
export * from "./seal/galois.ts";
export * from "./engine/rns_backend.ts";
