/**
 * Server-side encrypted evaluation: runs the engine's layer logic on SEAL ciphertexts, once per
 * plaintext modulus, with the client's evaluation keys. No secret key is involved.
 *
 * @module
 */
import type { Ciphertext } from "node-seal/dist/seal_throws.d.ts";
import { evaluate, type EvaluatedOutput, type EvaluateOptions } from "../engine/evaluate.ts";
import type { LayerHops } from "../engine/hops.ts";
import type { Network } from "../model/network.ts";
import type { HeContext } from "./context.ts";
import type { EvaluationKeys } from "./evaluation_keys.ts";
import { SealBackend } from "./seal_backend.ts";

/** Encrypted outputs `[modulus][output]` (null where an output is a constant) and HOPs. */
export interface EncryptedResult {
  ciphertexts: (Ciphertext | null)[][];
  constants: bigint[];
  /** HOPs per layer for one modulus (every modulus spends the same). */
  hops: LayerHops[];
}

/**
 * Evaluates `net` on encrypted inputs `[modulus][input]`. Inputs stay owned by the caller; the
 * returned ciphertexts are owned by the caller too (free them with `freeResult`).
 */
export function evaluateEncrypted(
  ctx: HeContext,
  net: Network,
  inputs: readonly (readonly Ciphertext[])[],
  keys: EvaluationKeys | null,
  options: EvaluateOptions = {},
): EncryptedResult {
  if (inputs.length !== ctx.moduli.length) {
    throw new RangeError(
      `expected inputs for ${ctx.moduli.length} plaintext moduli, received ${inputs.length}`,
    );
  }
  const ciphertexts: (Ciphertext | null)[][] = [];
  let constants: bigint[] = [];
  let hops: LayerHops[] = [];
  try {
    ctx.moduli.forEach((m, i) => {
      const backend = new SealBackend(ctx.seal, m, ctx.params.encoding, keys?.relin[i] ?? null);
      try {
        const r = evaluate(net, backend, inputs[i], options);
        ciphertexts.push(r.outputs.map((o: EvaluatedOutput<Ciphertext>) => o.ct));
        constants = r.outputs.map((o) => o.constant);
        hops = r.hops;
      } finally {
        backend.delete();
      }
    });
  } catch (e) {
    freeResult({ ciphertexts });
    throw e;
  }
  return { ciphertexts, constants, hops };
}

/** Frees the ciphertexts of a result. */
export function freeResult(r: Pick<EncryptedResult, "ciphertexts">): void {
  for (const row of r.ciphertexts) for (const ct of row) ct?.delete();
}
