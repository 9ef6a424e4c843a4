/**
 * The client/server protocol of faster-cryptonets: paths, headers, JSON documents, and the
 * {@linkcode ApiError} every refusal is answered with.
 *
 * @example
 * ```ts
 * import { PATHS, type ModelDescription } from "./mod.ts";
 * const description: ModelDescription = await (await fetch(`http://127.0.0.1:8000${PATHS.model}`)).json();
 * console.log(description.plans.map((p) => p.name));
 * ```
 *
 * @module
 */
export * from "./api.ts";
export * from "./errors.ts";
export type * from "../model/mod.ts";
