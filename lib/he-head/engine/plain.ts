/**
 * Exact integer inference without encryption: the reference every encrypted result must equal,
 * and the "quantized" accuracy of a model.
 *
 * @module
 */
import type { Network } from "../../model/network.ts";
import { evaluate, type EvaluateOptions } from "./evaluate.ts";
import type { LayerHops } from "./hops.ts";
import { IntegerBackend, type IntVec } from "./integer_backend.ts";

function checkInputs(net: Network, inputs: ArrayLike<number>, count: number): void {
  if (!Number.isInteger(count) || count < 0) {
    throw new RangeError(`expected a count >= 0, received ${count}`);
  }
  if (inputs.length !== count * net.inputSize) {
    throw new RangeError(
      `expected ${count} x ${net.inputSize} = ${
        count * net.inputSize
      } inputs, received ${inputs.length}`,
    );
  }
  for (let i = 0; i < inputs.length; i++) {
    const v = inputs[i];
    if (!Number.isInteger(v) || v < net.inputMin || v > net.inputMax) {
      throw new RangeError(
        `expected integer inputs in [${net.inputMin}, ${net.inputMax}], received ${v} at example ${
          Math.floor(i / net.inputSize)
        }, feature ${i % net.inputSize}`,
      );
    }
  }
}

/**
 * Exact integer logits for `count` examples given row-major (`count x inputSize` integers).
 *
 * @example
 * ```ts
 * import { compileModel, readModel } from "../../model/mod.ts";
 * import { evaluatePlain } from "./plain.ts";
 * const net = compileModel(await readModel("models/head/uci_digits.json"));
 * const logits = evaluatePlain(net, new Int32Array(net.inputSize), 1);
 * ```
 */
export function evaluatePlain(net: Network, inputs: ArrayLike<number>, count: number): bigint[][] {
  checkInputs(net, inputs, count);
  const columns: IntVec[] = Array.from({ length: net.inputSize }, (_, f) => {
    const col = new Array<bigint>(count);
    for (let i = 0; i < count; i++) col[i] = BigInt(inputs[i * net.inputSize + f]);
    return col;
  });
  const { outputs } = evaluate(net, new IntegerBackend(), columns);
  return Array.from(
    { length: count },
    (_, i) => outputs.map((o) => (o.ct === null ? o.constant : o.ct[i])),
  );
}

/** Index of the largest logit (the first one on ties). */
export function argmax(logits: readonly bigint[]): number {
  let best = 0;
  for (let j = 1; j < logits.length; j++) if (logits[j] > logits[best]) best = j;
  return best;
}

/** The predicted class of each example (arg-max of the exact integer logits). */
export function predictPlain(net: Network, inputs: ArrayLike<number>, count: number): Int32Array {
  return Int32Array.from(evaluatePlain(net, inputs, count), argmax);
}

/**
 * HOPs per layer of one evaluation in the given encoding, without data or encryption (per
 * plaintext modulus: a plan with k moduli spends k times as much).
 */
export function countHops(
  net: Network,
  options: { encoding: "poly" | "simd" } & EvaluateOptions,
): LayerHops[] {
  const empty = Array.from({ length: net.inputSize }, () => [] as bigint[]);
  return evaluate(net, new IntegerBackend(options.encoding), empty, options).hops;
}
