/**
 * Evaluation of one request under its plan: unpack the encrypted inputs, evaluate (yielding to
 * the event loop, abortable by the request's deadline), shrink and pack the encrypted results.
 * Every SEAL object is freed on every path.
 *
 * @module
 */
import type { Ciphertext } from "node-seal/dist/seal_throws.d.ts";
import type { Network } from "../lib/he-head/model/network.ts";
import { evaluateEncryptedAsync, freeResult } from "../lib/he-head/seal/evaluate_encrypted.ts";
import type { EvaluationKeys } from "../lib/he-head/seal/evaluation_keys.ts";
import { switchDown } from "../lib/he-head/seal/modulus_switch.ts";
import { packResults, unpackInputs, unpackQueries } from "../lib/he-head/wire/payloads.ts";
import type { BfvPlan, PackedPlan, Plan } from "./plans.ts";

/** The packed response and the number of queries it answers. */
export interface PlanOutput {
  body: Uint8Array;
  queries: number;
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
    const result = await evaluateEncryptedAsync(plan.ctx, net, ciphertexts, keys, { signal });
    try {
      switchDown(plan.ctx, result.ciphertexts, plan.responseDrop);
      return { body: await packResults(plan.ctx, result, queries), queries };
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
