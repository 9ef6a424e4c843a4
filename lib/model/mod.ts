/**
 * The quantized model format: types, validation, and compilation into the integer network.
 *
 * @example
 * ```ts
 * import { compileModel, readModel } from "./mod.ts";
 * const model = await readModel("models/head/uci_digits.json");
 * const net = compileModel(model);
 * console.log(net.layers.map((l) => `${l.name} ${l.inShape} -> ${l.outShape}`));
 * ```
 *
 * @module
 */
export * from "./format.ts";
export * from "./errors.ts";
export * from "./dyadic.ts";
export * from "./parse.ts";
export * from "./files.ts";
export * from "./network.ts";
export * from "./privacy.ts";
export * from "./input_spec.ts";
export * from "./preprocessing.ts";
