/**
 * Loading evaluation keys into SEAL (server side): a keys envelope decoded and checked without
 * SEAL by `wire/payloads.ts`, then loaded; SEAL's refusal becomes an {@linkcode EnvelopeError}.
 *
 * @module
 */
import type { SealContexts } from "../context.ts";
import { SealError } from "../runtime.ts";
import { EnvelopeError } from "../../wire/envelope.ts";
import { decodeKeys, type KeyBlobs, type PayloadLimits } from "../../wire/payloads.ts";
import { EvaluationKeys } from "./evaluation_keys.ts";

/**
 * Unpacks and loads evaluation keys (server side).
 *
 * @throws {EnvelopeError} for malformed or foreign keys, or keys SEAL rejects.
 */
export async function unpackKeys(
  ctx: SealContexts,
  bytes: Uint8Array,
  limits: { maxGaloisSteps?: number } & PayloadLimits = {},
): Promise<EvaluationKeys> {
  return loadKeys(ctx, await decodeKeys(ctx, bytes, limits));
}

/**
 * Loads decoded keys into SEAL (caller frees them).
 *
 * @throws {EnvelopeError} when SEAL refuses them (SEAL's own text is the error's cause).
 */
export function loadKeys(ctx: SealContexts, keys: KeyBlobs[]): EvaluationKeys {
  try {
    return EvaluationKeys.load(ctx, keys);
  } catch (err) {
    if (err instanceof SealError) {
      throw new EnvelopeError(
        "malformed",
        "expected keys valid for these parameters, SEAL refused them",
        { cause: err },
      );
    }
    throw err;
  }
}
