/**
 * Activation coefficients as exact dyadic rationals `m * 2^e` in the model format, and the
 * fixed-point shift `g` an activation adds to the running scale.
 *
 * @module
 */
import type { Dyadic } from "../../lib/model/mod.ts";
import { numberToDyadic } from "../../lib/dp-training/mod.ts";

/** The exact `{ m, e }` form of real coefficients that are already dyadic (e.g. rounded). */
export function toDyadics(coefficients: readonly number[]): Dyadic[] {
  return coefficients.map(numberToDyadic);
}

/** `g = max(0, -min e)` over the nonzero coefficients: the scale an activation adds. */
export function activationShift(coefficients: readonly number[]): number {
  let g = 0;
  for (const d of toDyadics(coefficients)) if (Number(d.m) !== 0) g = Math.max(g, -d.e);
  return g;
}
