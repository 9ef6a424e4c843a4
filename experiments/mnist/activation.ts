/**
 * The activation of one hidden layer during training: a polynomial with real (dyadic)
 * coefficients, exactly what encrypted inference computes, or the exact ReLU (only used to
 * pretrain the network whose pre-activations the CryptoDL-style least-squares fit is made
 * under; it is never exported).
 *
 * @module
 */
import { MnistVariantError } from "./errors.ts";

/** A polynomial activation: coefficients in ascending powers, the last one nonzero. */
export interface PolynomialActivation {
  /** Label in the model, e.g. `square`, `relu-aq`, `swish-aq`, `relu-ls3`. */
  kind: string;
  /** Real coefficients `[c0, c1, ...]`, each an exact dyadic rational. */
  coefficients: number[];
}

/** The exact ReLU (pretraining only). */
export interface ExactRelu {
  kind: "relu";
  coefficients: null;
}

/** Either activation. */
export type TrainingActivation = PolynomialActivation | ExactRelu;

/** The exact ReLU. */
export const EXACT_RELU: Readonly<ExactRelu> = Object.freeze({ kind: "relu", coefficients: null });

/**
 * Checks a polynomial activation: degree 1..8, finite coefficients, leading one nonzero.
 *
 * @throws {MnistVariantError} saying what was expected and what was received.
 */
export function checkPolynomial(a: PolynomialActivation): void {
  const c = a.coefficients;
  if (c.length < 2 || c.length > 9) {
    throw new MnistVariantError(
      `activation ${a.kind}: expected 2..9 coefficients (degree 1..8), received ${c.length}`,
    );
  }
  if (c.some((v) => !Number.isFinite(v)) || c[c.length - 1] === 0) {
    throw new MnistVariantError(
      `activation ${a.kind}: expected finite coefficients with a nonzero leading one, received ` +
        `[${c}]`,
    );
  }
}
