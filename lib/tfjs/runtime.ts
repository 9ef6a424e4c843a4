/**
 * The TensorFlow.js runtime shared by the client-side extractor and DP training: one place that
 * selects the backend, so every room gets the same numerics.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { createRequire } from "node:module";

/** Backends this project runs on: `wasm` (default, 2-5x faster) or the pure-JS `cpu`. */
export type TfBackendName = "wasm" | "cpu";

let ready: Promise<TfBackendName> | undefined;

/**
 * Initialises TensorFlow.js once per process with the given backend (default `wasm`, whose
 * `.wasm` files are read offline from `node_modules`). Later calls return the first choice.
 *
 * @example
 * ```ts
 * import { initTf } from "./runtime.ts";
 * const backend = await initTf();
 * ```
 */
export function initTf(backend: TfBackendName = "wasm"): Promise<TfBackendName> {
  ready ??= (async () => {
    if (backend === "wasm") {
      const entry = createRequire(import.meta.url).resolve("@tensorflow/tfjs-backend-wasm");
      setWasmPaths(entry.slice(0, entry.lastIndexOf("/") + 1));
    }
    const ok = await tf.setBackend(backend);
    if (!ok) throw new Error(`TensorFlow.js backend "${backend}" failed to initialise`);
    await tf.ready();
    return backend;
  })();
  return ready;
}

export { tf };
