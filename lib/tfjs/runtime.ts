/**
 * The TensorFlow.js runtime shared by the client-side extractor and DP training: one place that
 * selects the backend, so every room gets the same numerics.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";

/** Backends this project runs on: `wasm` (default, 2-5x faster) or the pure-JS `cpu`. */
export type TfBackendName = "wasm" | "cpu";

let ready: Promise<TfBackendName> | undefined;

/**
 * Initialises TensorFlow.js once per process with the given backend (default `wasm`, whose
 * `.wasm` files are read offline from `node_modules`, or in a browser from `wasmPaths`: the URL
 * of the folder serving them). Later calls return the first choice.
 *
 * @example
 * ```ts
 * import { initTf } from "./runtime.ts";
 * const backend = await initTf();
 * ```
 */
export function initTf(
  backend: TfBackendName = "wasm",
  wasmPaths?: string,
): Promise<TfBackendName> {
  ready ??= (async () => {
    if (backend === "wasm") setWasmPaths(wasmPaths ?? await packageFolder());
    const ok = await tf.setBackend(backend);
    if (!ok) throw new Error(`TensorFlow.js backend "${backend}" failed to initialise`);
    await tf.ready();
    return backend;
  })();
  return ready;
}

/** The folder of the wasm backend's package (Deno and Node; loaded lazily: no browser has it). */
async function packageFolder(): Promise<string> {
  const { createRequire } = await import("node:module");
  const entry = createRequire(import.meta.url).resolve("@tensorflow/tfjs-backend-wasm");
  return entry.slice(0, entry.lastIndexOf("/") + 1);
}

export { tf };
