/**
 * Evaluation of one request under its plan: unpack the encrypted inputs, evaluate (yielding to
 * the event loop, abortable by the request's deadline), mask the answers (poly: a random multiple
 * of `X - 2`; simd: uniform values in the slots beyond the request's queries), flood their noise
 * (flooded plans), shrink and pack the encrypted results. Every SEAL object is freed on every
 * path.
 *
 * @module
 */
import type { Ciphertext } from "node-seal/dist/seal_throws.d.ts";
import type { Network } from "../../../../model/network.ts";
import {
  floodOutputs,
  maskPolyOutputs,
  maskSpareSlots,
} from "../../../seal/circuit_privacy.ts";
import { evaluateEncryptedAsync, freeResult } from "../../../seal/evaluate_encrypted.ts";
import type { EvaluationKeys } from "../../../seal/evaluation_keys.ts";
import { switchDown } from "../../../seal/modulus_switch.ts";
import { packResults, unpackInputs, unpackQueries } from "../../../wire/payloads.ts";
import { ApiError } from "../../../../../functions/errors.ts";
import type { BfvPlan, PackedPlan, Plan } from "../bfv_plan.ts";

/** Milliseconds spent in each stage of a BFV evaluation. */
export interface StageTimes {
  evaluate_ms: number;
  /** Masking the answers (one plaintext addition per encrypted output). */
  mask_ms: number;
  /** Flooding the answers (0 for plans that do not flood). */
  flood_ms: number;
  /** Modulus switching and serialization of the response. */
  pack_ms: number;
}

/** The packed response and the number of queries it answers. */
export interface PlanOutput {
  body: Uint8Array;
  queries: number;
  /** BFV plans: where the time went. */
  stages?: StageTimes;
}

async function runBfv(
  plan: BfvPlan,
  net: Network,
  body: Uint8Array,
  keys: EvaluationKeys | null,
  signal: AbortSignal,
  maxBytes: number,
): Promise<PlanOutput> {
  const { ciphertexts, queries } = await unpackInputs(plan.ctx, body, {
    inputs: net.inputSize,
    maxQueries: plan.maxQueries,
    maxBytes,
  });
  try {
    const t0 = performance.now();
    const result = await evaluateEncryptedAsync(plan.ctx, net, ciphertexts, keys, { signal });
    try {
      const t1 = performance.now();
      if (plan.masked && plan.encoding === "poly") maskPolyOutputs(plan.ctx, result.ciphertexts);
      else if (plan.masked) maskSpareSlots(plan.ctx, result.ciphertexts, queries);
      const t2 = performance.now();
      if (plan.flooding) {
        if (!keys || keys.publicKeys.some((k) => k === null)) {
          throw new ApiError(
            422,
            "missing-keys",
            `plan ${plan.name} floods its answers: expected the client's public key (envelope entry "public-key") for every plaintext modulus, received none`,
          );
        }
        signal.throwIfAborted();
        floodOutputs(plan.ctx, result.ciphertexts, keys.publicKeys, plan.flooding.floodLog2);
      }
      const t3 = performance.now();
      switchDown(plan.ctx, result.ciphertexts, plan.responseDrop);
      const out = await packResults(plan.ctx, result, queries);
      const stages = {
        evaluate_ms: t1 - t0,
        mask_ms: t2 - t1,
        flood_ms: t3 - t2,
        pack_ms: performance.now() - t3,
      };
      return { body: out, queries, stages };
    } finally {
      freeResult(result);
    }
  } finally {
    ciphertexts.flat().forEach((c) => c.delete());
  }
}

async function runPacked(
  plan: PackedPlan,
  body: Uint8Array,
  keys: EvaluationKeys | null,
  signal: AbortSignal,
  maxBytes: number,
): Promise<PlanOutput> {
  const galois = keys?.galois[0];
  if (!galois) throw new Error("the packed plan needs the client's Galois keys");
  const inputs = await unpackQueries(plan.ctx, body, { maxQueries: plan.maxQueries, maxBytes });
  const results: Ciphertext[] = [];
  try {
    for (const ct of inputs) {
      signal.throwIfAborted();
      results.push(plan.head.evaluate(ct, galois).result);
      await new Promise((r) => setTimeout(r, 0));
    }
    const out = await packResults(plan.ctx, {
      ciphertexts: [results],
      constants: results.map(() => 0n),
    }, inputs.length);
    return { body: out, queries: inputs.length };
  } finally {
    inputs.forEach((c) => c.delete());
    results.forEach((c) => c.delete());
  }
}

/** Evaluates a request under `plan`. */
export function runPlan(
  plan: Plan,
  net: Network,
  body: Uint8Array,
  keys: EvaluationKeys | null,
  signal: AbortSignal,
  maxBytes: number,
): Promise<PlanOutput> {
  return plan.kind === "bfv"
    ? runBfv(plan, net, body, keys, signal, maxBytes)
    : runPacked(plan, body, keys, signal, maxBytes);
}
