/**
 * The client/server protocol of faster-cryptonets: paths, headers and JSON documents.
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
