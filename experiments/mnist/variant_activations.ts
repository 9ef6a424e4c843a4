/**
 * The activations of the four MNIST variants:
 *
 * - `square`: CryptoNets' `x^2`;
 * - `relu-aq` / `swish-aq`: the optimal power-of-two quadratic approximation of ReLU / Swish
 *   (`pow2Fit` of `lib/dp-training/`, every coefficient zero or `+-2^e`), fitted under
 *   `N(0, 2^2)`, which gives the paper's ReLU-AQ `0.125 x^2 + 0.5 x + 0.25` exactly (and
 *   `0.125 x^2 + 0.5 x + 0.125` for Swish); the network is trained with it in place;
 * - `relu-ls<d>` (CryptoDL style): the least-squares polynomial of ReLU of degree `d`, fitted
 *   under the empirical distribution of the layer's pre-activations in a network pretrained with
 *   the exact ReLU (a symmetric distribution would give a zero cubic term: ReLU is `x / 2` plus
 *   an even function), with coefficients on the coarsest dyadic grid `k * 2^-g` that stays
 *   within a tolerance of the least-squares error (see `dyadic_fit.ts`).
 *
 * @module
 */
import {
  ACTIVATIONS,
  empiricalDistribution,
  normalDistribution,
  quantizedActivation,
} from "../../lib/dp-training/mod.ts";
import { checkPolynomial, type PolynomialActivation } from "./activation.ts";
import { type DyadicFit, dyadicLeastSquaresFit } from "./dyadic_fit.ts";
import { MnistVariantError } from "./errors.ts";

/** Std of the normal distribution the power-of-two activations are fitted under. */
const AQ_FIT_STD = 2;

/** CryptoNets' square activation. */
export function squareActivation(): PolynomialActivation {
  return { kind: "square", coefficients: [0, 0, 1] };
}

/**
 * The optimal power-of-two quadratic approximation of ReLU or Swish under `N(0, std^2)`.
 *
 * @example
 * ```ts
 * import { pow2Activation } from "./variant_activations.ts";
 * pow2Activation("relu").coefficients; // [0.25, 0.5, 0.125]
 * ```
 */
export function pow2Activation(
  name: "relu" | "swish",
  std: number = AQ_FIT_STD,
): PolynomialActivation {
  const q = quantizedActivation(name, 2, normalDistribution(0, std));
  const a = { kind: q.kind, coefficients: q.coefficients };
  checkPolynomial(a);
  return a;
}

/** Options of {@linkcode leastSquaresActivation}. */
export interface LeastSquaresOptions {
  /** Polynomial degree (CryptoDL style: 3 or 4). */
  degree: number;
  /** Largest relative increase of the error over least squares due to rounding (e.g. 0.05). */
  tolerance: number;
  /** At most this many samples are used (evenly strided; default 200,000). */
  maxSamples?: number;
}

/**
 * The dyadic least-squares approximation of ReLU under the empirical distribution of `samples`
 * (pre-activations).
 *
 * @throws {MnistVariantError} when there are no samples or no dyadic fit within the tolerance.
 */
export function leastSquaresActivation(
  samples: ArrayLike<number>,
  options: LeastSquaresOptions,
): PolynomialActivation & { fit: DyadicFit } {
  if (samples.length === 0) {
    throw new MnistVariantError("expected pre-activation samples, received none");
  }
  const max = options.maxSamples ?? 200_000;
  const stride = Math.max(1, Math.floor(samples.length / max));
  const picked: number[] = [];
  for (let k = 0; k < samples.length; k += stride) picked.push(samples[k]);
  const dist = empiricalDistribution(picked, `empirical(${picked.length})`);
  const fit = dyadicLeastSquaresFit(ACTIVATIONS.relu, options.degree, dist, {
    tolerance: options.tolerance,
  });
  const a = { kind: `relu-ls${options.degree}`, coefficients: fit.coefficients };
  checkPolynomial(a);
  return { ...a, fit };
}
