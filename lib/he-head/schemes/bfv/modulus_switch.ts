/**
 * Response shrinking: after evaluation the server switches result ciphertexts down the modulus
 * chain to the smallest modulus whose estimated noise budget still decrypts correctly. Modulus
 * switching keeps the invariant noise but caps the budget at about
 * `log2(q_level) - log2(t) - 9` bits (measured on SEAL 4.1; conservative).
 *
 * @module
 */
import type { Ciphertext } from "node-seal/dist/seal_throws.d.ts";
import type { HeParams } from "./bfv_params.ts";
import type { HeContext } from "./bfv_context.ts";
import { sealCall } from "../../seal/runtime.ts";

/** Bits lost to rounding when switching to a level (conservative). */
const MODULUS_SWITCH_LOSS = 9;

/** Estimated budget after dropping `drop` primes from a ciphertext with budget `bits`. */
export function budgetAfterSwitch(p: HeParams, bits: number, drop: number): number {
  const data = p.coeffModulusBits.slice(0, -1);
  const levelBits = data.slice(0, data.length - drop).reduce((a, b) => a + b, 0);
  const logT = Math.max(...p.plainModuli.map((t) => BigInt(t).toString(2).length));
  return Math.min(bits, levelBits - logT - MODULUS_SWITCH_LOSS);
}

/**
 * How many primes the results can drop while keeping at least `marginBits` of estimated budget
 * (0 when none can be dropped safely).
 */
export function responsePrimesToDrop(
  p: HeParams,
  outputBudgetBits: number,
  marginBits = 3,
): number {
  const levels = p.coeffModulusBits.length - 1;
  let drop = 0;
  for (let d = 1; d < levels; d++) {
    if (budgetAfterSwitch(p, outputBudgetBits, d) >= marginBits) drop = d;
  }
  return drop;
}

/** Switches every ciphertext down by `drop` primes, in place. */
export function switchDown(
  ctx: HeContext,
  ciphertexts: (Ciphertext | null)[][],
  drop: number,
): void {
  ciphertexts.forEach((row, i) => {
    const ev = ctx.moduli[i].evaluator;
    for (const ct of row) {
      if (ct === null) continue;
      for (let d = 0; d < drop; d++) {
        sealCall("modulus switch", () => ev.cipherModSwitchToNextInplace(ct));
      }
    }
  });
}
