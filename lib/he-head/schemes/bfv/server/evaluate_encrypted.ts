/**
 * Server-side encrypted evaluation: runs the engine's layer logic on SEAL ciphertexts, once per
 * plaintext modulus, with the client's evaluation keys. No secret key is involved.
 *
 * @module
 */
import type { Ciphertext } from "node-seal/dist/seal_throws.d.ts";
import {
  evaluate,
  evaluateAsync,
  type EvaluateAsyncOptions,
  type EvaluateOptions,
  type EvaluateResult,
} from "../../../engine/evaluate.ts";
import type { Network } from "../../../../model/network.ts";
import type { HeContext, ModulusContext } from "../bfv_context.ts";
import type { EvaluationKeys } from "../../../seal/server/evaluation_keys.ts";
import { SealBackend } from "./seal_backend.ts";
import { type EncryptedResult, freeResult } from "../../../seal/outputs.ts";

/** Re-exported for callers that evaluate and free in one place (the MNIST worker). */
export { freeResult };

function checkInputs(ctx: HeContext, inputs: readonly (readonly Ciphertext[])[]): void {
  if (inputs.length !== ctx.moduli.length) {
    throw new RangeError(
      `expected inputs for ${ctx.moduli.length} plaintext moduli, received ${inputs.length}`,
    );
  }
}

/** Runs `f` with a SEAL backend for modulus `m`, freeing the backend's plaintexts after. */
function withBackend<T>(
  ctx: HeContext,
  m: ModulusContext,
  keys: EvaluationKeys | null,
  f: (b: SealBackend) => T,
): T {
  const backend = new SealBackend(ctx.seal, m, ctx.params.encoding, keys?.relin[m.index] ?? null);
  let async = false;
  try {
    const r = f(backend);
    if (r instanceof Promise) {
      async = true;
      return r.finally(() => backend.delete()) as T;
    }
    return r;
  } finally {
    if (!async) backend.delete();
  }
}

function collect(results: EvaluateResult<Ciphertext>[]): EncryptedResult {
  return {
    ciphertexts: results.map((r) => r.outputs.map((o) => o.ct)),
    constants: results[0]?.outputs.map((o) => o.constant) ?? [],
    hops: results[0]?.hops ?? [],
  };
}

/**
 * Evaluates `net` on encrypted inputs `[modulus][input]`. Inputs stay owned by the caller; the
 * returned ciphertexts are owned by the caller too (free them with {@linkcode freeResult}).
 */
export function evaluateEncrypted(
  ctx: HeContext,
  net: Network,
  inputs: readonly (readonly Ciphertext[])[],
  keys: EvaluationKeys | null,
  options: EvaluateOptions = {},
): EncryptedResult {
  checkInputs(ctx, inputs);
  const results: EvaluateResult<Ciphertext>[] = [];
  try {
    for (const m of ctx.moduli) {
      results.push(withBackend(ctx, m, keys, (b) => evaluate(net, b, inputs[m.index], options)));
    }
  } catch (e) {
    freeResult(collect(results));
    throw e;
  }
  return collect(results);
}

/**
 * {@linkcode evaluateEncrypted} that yields to the event loop while it works and stops (freeing
 * everything) when `options.signal` aborts.
 */
export async function evaluateEncryptedAsync(
  ctx: HeContext,
  net: Network,
  inputs: readonly (readonly Ciphertext[])[],
  keys: EvaluationKeys | null,
  options: EvaluateAsyncOptions = {},
): Promise<EncryptedResult> {
  checkInputs(ctx, inputs);
  const results: EvaluateResult<Ciphertext>[] = [];
  try {
    for (const m of ctx.moduli) {
      results.push(
        await withBackend(ctx, m, keys, (b) => evaluateAsync(net, b, inputs[m.index], options)),
      );
    }
  } catch (e) {
    freeResult(collect(results));
    throw e;
  }
  return collect(results);
}
