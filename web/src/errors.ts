/// <reference lib="dom" />
/**
 * What to tell the user when something fails: the server down, the token rejected, keys expired,
 * the server busy (with its Retry-After), an image that does not decode, a browser without the
 * WebAssembly SEAL needs.
 *
 * @module
 */
import { ExtractorMismatchError, ServerError } from "../../lib/client/browser.ts";
import { TimeoutError } from "./traffic.ts";
import { UndecodableImageError } from "./pixels.ts";

/** A failure as the page shows it: a short title, the details, and a code for tests. */
export interface Failure {
  code: string;
  title: string;
  detail: string;
}

/** Whether this browser has what SEAL's and TensorFlow.js's WebAssembly need. */
export function missingFeatures(): string[] {
  const missing: string[] = [];
  const g = globalThis as Record<string, unknown>;
  if (typeof g.WebAssembly !== "object") missing.push("WebAssembly");
  else if (!("Exception" in (g.WebAssembly as object))) missing.push("WebAssembly exceptions");
  if (typeof g.BigInt64Array !== "function") missing.push("BigInt64Array");
  if (typeof g.indexedDB !== "object") {
    missing.push("IndexedDB (keys are then kept for this visit only)");
  }
  return missing;
}

function serverFailure(e: ServerError): Failure {
  const wait = e.retryAfter === null ? "" : ` Retry after ${e.retryAfter} s.`;
  if (e.status === 401) {
    return {
      code: "token-rejected",
      title: "Token rejected",
      detail: `${e.message}. Enter a valid token (created with deno task token create).`,
    };
  }
  if (e.status === 404 && e.code === "unknown-key-id") {
    return { code: "keys-expired", title: "Keys expired", detail: `${e.message}.` };
  }
  if (e.status === 429) {
    return { code: "rate-limited", title: "Too many requests", detail: `${e.message}.${wait}` };
  }
  if (e.status === 503) {
    return { code: "server-busy", title: "Server busy", detail: `${e.message}.${wait}` };
  }
  return { code: e.code, title: `Server refused (${e.status})`, detail: e.message };
}

/** The failure to show for any thrown value. */
export function describeFailure(e: unknown): Failure {
  if (e instanceof ServerError) return serverFailure(e);
  if (e instanceof UndecodableImageError) {
    return { code: "undecodable-image", title: "Unreadable image", detail: e.message };
  }
  if (e instanceof ExtractorMismatchError) {
    return { code: "extractor-mismatch", title: "Wrong extractor", detail: e.message };
  }
  if (e instanceof TimeoutError) {
    return { code: "timeout", title: "No answer", detail: e.message };
  }
  if (e instanceof TypeError && /fetch|network|load/i.test(e.message)) {
    return {
      code: "server-down",
      title: "Server unreachable",
      detail: `The function at ${location.origin} does not answer (${e.message}). Is it running?`,
    };
  }
  const wasm = (globalThis as { WebAssembly?: typeof WebAssembly }).WebAssembly;
  if (wasm && (e instanceof wasm.CompileError || e instanceof wasm.LinkError)) {
    return {
      code: "wasm-unsupported",
      title: "WebAssembly not supported",
      detail: `This browser cannot run SEAL's WebAssembly: ${e.message}`,
    };
  }
  const err = e instanceof Error ? e : new Error(String(e));
  return { code: "error", title: err.name, detail: err.message };
}
