/**
 * The activation functions the project approximates by polynomials, and the pre-activation
 * distributions the approximations are fitted under.
 *
 * @module
 */
import { erfc, normalPdf } from "../log_math.ts";

/** Names of the activations that have polynomial approximations. */
export type ActivationName = "relu" | "swish" | "gelu" | "sigmoid";

/** Every approximated activation, in report order. */
export const ACTIVATION_NAMES: readonly ActivationName[] = ["relu", "swish", "gelu", "sigmoid"];

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * The activation functions: ReLU `max(0, x)`, Swish `x sigmoid(x)` (Ramachandran et al. 2017,
 * beta = 1), GELU `x Phi(x)` (exact, with the error function), and the logistic sigmoid.
 *
 * @example
 * ```ts
 * import { ACTIVATIONS } from "./activation_functions.ts";
 * ACTIVATIONS.swish(1); // 0.7310...
 * ```
 */
export const ACTIVATIONS: Readonly<Record<ActivationName, (x: number) => number>> = Object.freeze({
  relu: (x: number) => (x > 0 ? x : 0),
  swish: (x: number) => x * sigmoid(x),
  gelu: (x: number) => 0.5 * x * erfc(-x / Math.SQRT2),
  sigmoid,
});

/** A distribution of pre-activation values, as quadrature nodes and weights summing to 1. */
export interface PreActivationDistribution {
  /** How people should read it, e.g. `N(0, 1)`. */
  label: string;
  /** Quadrature nodes. */
  nodes: Float64Array;
  /** Quadrature weights (probability masses), summing to 1. */
  weights: Float64Array;
}

/**
 * The normal distribution `N(mean, std^2)` as composite Simpson quadrature on
 * `mean +- 10 std` (20,000 intervals; the mean is a node, so the kink of ReLU at 0 costs no
 * accuracy when the mean is 0).
 */
export function normalDistribution(
  mean = 0,
  std = 1,
  intervals = 20_000,
): PreActivationDistribution {
  if (!(std > 0) || !Number.isFinite(std) || !Number.isFinite(mean)) {
    throw new RangeError(`expected a finite mean and a std > 0, received ${mean}, ${std}`);
  }
  if (!Number.isInteger(intervals) || intervals < 2 || intervals % 2 !== 0) {
    throw new RangeError(`expected an even number of intervals >= 2, received ${intervals}`);
  }
  const n = intervals + 1, h = (20 * std) / intervals;
  const nodes = new Float64Array(n), weights = new Float64Array(n);
  let total = 0;
  for (let k = 0; k < n; k++) {
    const x = mean - 10 * std + k * h;
    const simpson = k === 0 || k === n - 1 ? 1 : k % 2 === 1 ? 4 : 2;
    nodes[k] = x;
    weights[k] = ((simpson * h) / 3) * (normalPdf((x - mean) / std) / std);
    total += weights[k];
  }
  for (let k = 0; k < n; k++) weights[k] /= total;
  return { label: `N(${mean}, ${std}^2)`, nodes, weights };
}

/**
 * An empirical distribution: equal weights on measured values (e.g. pre-activations of a model
 * on PUBLIC data; never on private data outside the privacy accountant).
 */
export function empiricalDistribution(
  samples: ArrayLike<number>,
  label: string,
): PreActivationDistribution {
  if (samples.length === 0) throw new RangeError("expected at least one sample, received none");
  const nodes = Float64Array.from(samples);
  return { label, nodes, weights: new Float64Array(nodes.length).fill(1 / nodes.length) };
}
