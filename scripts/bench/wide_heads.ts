/**
 * Random pruned power-of-two heads for the wide benchmark, written as real model documents
 * (`lib/model`'s format, parsed and compiled like a trained head): the demo head's statistics
 * (inputs 0..15 at scale 2^-1, 50% of the weights pruned, the rest +-2^-4..2^-1 at scale 2^5,
 * Swish-AQ's power-of-two activation coefficients), `d` inputs, `hidden` units, 10 classes.
 *
 * @module
 */
import {
  compileModel,
  type Network,
  parseModel,
  type QuantizedModel,
} from "../../lib/model/mod.ts";
import { rng } from "./micro.ts";

/** Pruned power-of-two weights `[inputs, units]` (scale 2^5: integer exponents 1..4). */
function pow2Weights(r: () => number, inputs: number, units: number) {
  const n = inputs * units;
  const sign: number[] = [], exponent: number[] = [];
  for (let i = 0; i < n; i++) {
    const pruned = r() < 0.5;
    sign.push(pruned ? 0 : r() < 0.5 ? -1 : 1);
    exponent.push(pruned ? 0 : -4 + Math.floor(r() * 4));
  }
  return { kind: "pow2" as const, shape: [inputs, units], sign, exponent, scale_log2: 5 };
}

/** The model document of a random `d -> hidden -> 10` head. */
function wideModel(seed: number, d: number, hidden: number, classes = 10): QuantizedModel {
  const r = rng(seed);
  const bias = (k: number, mag: number) =>
    Array.from({ length: k }, () => Math.floor(r() * (2 * mag + 1)) - mag);
  // Scales: inputs 1, first layer 1 + 5 = 6, activation 2 * 6 + 4 = 16, second layer 16 + 5.
  return {
    format: "faster-cryptonets.quantized-model",
    version: 1,
    name: `wide-${d}-${hidden}-${seed}`,
    input: { shape: [d], min: 0, max: 15, scale_log2: 1 },
    layers: [
      { type: "dense", name: "fc1", units: hidden, weights: pow2Weights(r, d, hidden) },
      { type: "bias", name: "b1", values: bias(hidden, 64), scale_log2: 6 },
      {
        type: "activation",
        name: "act",
        kind: "swish-aq",
        coefficients: [{ m: 1, e: -4 }, { m: 1, e: -1 }, { m: 1, e: -3 }],
      },
      { type: "dense", name: "fc2", units: classes, weights: pow2Weights(r, hidden, classes) },
      { type: "bias", name: "b2", values: bias(classes, 1000), scale_log2: 21 },
    ],
  };
}

/** The compiled network of {@linkcode wideModel} (through `parseModel`, as a file would be). */
export function wideNetwork(seed: number, d: number, hidden: number): Network {
  return compileModel(parseModel(JSON.parse(JSON.stringify(wideModel(seed, d, hidden)))));
}
