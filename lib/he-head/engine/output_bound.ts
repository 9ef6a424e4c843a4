/**
 * The largest magnitude any output of the integer head can take over the whole input range, by
 * interval analysis: what plaintext moduli must hold (BFV slots, residue backends). Scheme-free.
 *
 * @module
 */
import type { Network } from "../../model/network.ts";
import { evaluate, type EvaluateOptions } from "./evaluate.ts";
import { IntervalBackend, magnitude } from "./interval_backend.ts";

/** Largest |output| of `net` over every input in `[inputMin, inputMax]`. */
export function outputMagnitudeBound(net: Network, options: EvaluateOptions = {}): bigint {
  const inputs = Array.from({ length: net.inputSize }, () => ({
    lo: BigInt(net.inputMin),
    hi: BigInt(net.inputMax),
  }));
  const { outputs } = evaluate(net, new IntervalBackend(), inputs, options);
  let bound = 0n;
  for (const o of outputs) {
    if (o.ct !== null && magnitude(o.ct) > bound) bound = magnitude(o.ct);
  }
  return bound;
}
