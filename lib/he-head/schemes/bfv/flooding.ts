/**
 * Noise flooding for circuit privacy: how large the flooding noise of a BFV answer must be so that
 * the decrypted noise says nothing about the circuit (statistical distance `2^-lambda`), and how
 * much noise budget the parameters must leave for it. Pure arithmetic on bit counts; the server
 * side that adds the noise is `seal/circuit_privacy.ts`.
 *
 * SEAL's invariant noise budget `b` of a ciphertext over a modulus `q` of `Q` bits means
 * `||t (c0 + c1 s) mod q||_inf < 2^(Q - 1 - b)`, and `t (c0 + c1 s) = t v - (q mod t) m (mod q)`
 * for the noise `v` and plaintext `m`, so `||v||_inf < 2^(Q - b - logT) + t`. With the noise
 * model's estimate of the output budget (tests check that real budgets never fall below it) this
 * bounds the evaluation's noise; the fresh public-key encryption of zero added to re-randomise the
 * answer has a larger budget, so its noise is bounded the same way. Hence
 * `|v + v_pk| <= V = 2^(max(Q - b - logT, logT) + 2)`.
 *
 * The flooding noise `E` has coefficients uniform on the `2B` integers `[-B, B)`, `B = 2^beta`,
 * `beta = ceil(lambda + log2 n + log2 V)`. Per coefficient the statistical distance between
 * `v_i + E_i` and `E_i` is `|v_i| / 2B`; over the `n` coefficients at most
 * `n V / 2B <= 2^-(lambda + 1)`.
 *
 * After flooding `|t v'| < 2^(logT + beta + 1)`, so the budget left is at least
 * `Q - logT - beta - 2` bits: the parameters must keep that above the selection margin.
 *
 * @module
 */

/** What a flooding analysis starts from. */
export interface FloodingInput {
  /** Ring degree n. */
  ringDegree: number;
  /** Bit count of the coefficient modulus q at the level where the noise is added. */
  dataModulusBits: number;
  /** Bit count of the (largest) plaintext modulus. */
  plainModulusBits: number;
  /** Estimated noise budget (bits) of the evaluation's outputs, before flooding. */
  outputBudgetBits: number;
  /** Statistical security lambda: distance at most `2^-(lambda + 1)`. */
  statisticalBits: number;
}

/** The flooding parameters and what they guarantee. */
export interface FloodingAnalysis extends FloodingInput {
  /** `log2 V`: every noise coefficient of the evaluation (plus re-randomisation) is below V. */
  noiseBoundLog2: number;
  /** `beta`: flooding coefficients are uniform on `[-2^beta, 2^beta)`. */
  floodLog2: number;
  /** `log2` of the bound `n V / 2^(beta + 1)` on the statistical distance. */
  statisticalDistanceLog2: number;
  /** Guaranteed budget (bits) after flooding: `Q - logT - beta - 2`. */
  budgetAfterBits: number;
  /** Budget spent by flooding: `outputBudgetBits - budgetAfterBits`. */
  costBits: number;
}

/**
 * The flooding noise for an answer with the given budget, and the budget it leaves.
 *
 * @throws {RangeError} for a non-positive budget, ring degree that is not a power of two, or
 * lambda below 1.
 */
export function floodingAnalysis(input: FloodingInput): FloodingAnalysis {
  const { ringDegree: n, dataModulusBits: Q, plainModulusBits: logT } = input;
  const b = Math.floor(input.outputBudgetBits);
  const lambda = input.statisticalBits;
  if (!Number.isInteger(Math.log2(n)) || n < 2) {
    throw new RangeError(`expected a power-of-two ring degree, received ${n}`);
  }
  if (!Number.isInteger(lambda) || lambda < 1) {
    throw new RangeError(`expected statistical security of 1 bit or more, received ${lambda}`);
  }
  if (!(b > 0)) {
    throw new RangeError(
      `expected a positive output noise budget to flood, received ${input.outputBudgetBits}`,
    );
  }
  const noiseBoundLog2 = Math.max(Q - b - logT, logT) + 2;
  const floodLog2 = lambda + Math.log2(n) + noiseBoundLog2;
  const budgetAfterBits = Q - logT - floodLog2 - 2;
  return {
    ...input,
    noiseBoundLog2,
    floodLog2,
    statisticalDistanceLog2: Math.log2(n) + noiseBoundLog2 - floodLog2 - 1,
    budgetAfterBits,
    costBits: input.outputBudgetBits - budgetAfterBits,
  };
}
