/**
 * Few Galois keys for a whole packed network: each product's baby steps become a chain of
 * rotations by 1, its giant steps a Horner chain by the baby-step size `B` (and, when the
 * stride equals the period, a second chain by `period - B` for the groups just below the
 * period), its folds rotations by powers of two, and every rotation amount is composed from the
 * keys at hand with the fewest rotations. The search tries every power-of-two `B` for every
 * product, keeps at most `maxKeys` keys (dropping, one at a time, the key whose loss costs the
 * fewest extra rotations), and returns the schedule with the fewest rotations weighted by their
 * level's cost.
 *
 * @module
 */
import type { RotationSchedule } from "../../schemes/ckks/packed_matvec.ts";

/** One packed product as the search sees it. */
export interface ProductShape {
  /** Output period m (a power of two). */
  readonly stride: number;
  /** Input period N (a power of two, a multiple of m). */
  readonly period: number;
  /** Inputs summed in the product (`sum_j M_j x_j`). */
  readonly inputs: number;
  /** Indices in [0, m) of the diagonals that are not all zero. */
  readonly diagonals: readonly number[];
  /** Cost of one rotation at the product's level (relative). */
  readonly weight: number;
}

/** The schedule of every product and the keys it needs. */
export interface NetworkRotations {
  /** One schedule per product. */
  readonly schedules: RotationSchedule[];
  /** Galois key steps, ascending. */
  readonly keys: number[];
  /** Rotations one evaluation performs. */
  readonly rotations: number;
}

/** Fewest rotations by `keys` summing to each amount in [0, max] (Infinity where none). */
function fewest(keys: readonly number[], max: number): { count: Float64Array; last: Int32Array } {
  const count = new Float64Array(max + 1).fill(Infinity);
  const last = new Int32Array(max + 1);
  count[0] = 0;
  for (let a = 1; a <= max; a++) {
    for (const k of keys) {
      if (k <= a && count[a - k] + 1 < count[a]) {
        count[a] = count[a - k] + 1;
        last[a] = k;
      }
    }
  }
  return { count, last };
}

interface ProductPlan {
  split: number;
  weighted: number;
  rotations: number;
  amounts: number[];
}

/** A product at one baby-step size: its giant groups with a nonzero diagonal, ascending. */
interface ProductCase {
  readonly product: ProductShape;
  readonly baby: number;
  readonly groups: readonly number[];
  readonly maxBaby: number;
}

function productCase(p: ProductShape, baby: number): ProductCase {
  const groups = [...new Set(p.diagonals.map((i) => Math.floor(i / baby)))].sort((a, b) => a - b);
  let maxBaby = 0;
  for (const i of p.diagonals) maxBaby = Math.max(maxBaby, i % baby);
  return { product: p, baby, groups, maxBaby };
}

/** Rotations of one product case, each amount costing `c(amount)` rotations. */
function planProduct(pc: ProductCase, c: (a: number) => number): ProductPlan {
  const { product: p, baby, groups, maxBaby } = pc;
  const G = p.stride / baby;
  let rotations = maxBaby > 0 ? p.inputs * maxBaby * c(1) : 0;
  const amounts = maxBaby > 0 ? [1] : [];
  let split = G;
  if (G > 1 && groups.length) {
    // Groups before index k go up by B (Horner), the others down by N - B: k = length is all up.
    let best = Infinity, bestK = groups.length;
    const first = p.stride === p.period ? (groups[0] === 0 ? 1 : 0) : groups.length;
    for (let k = first; k <= groups.length; k++) {
      const up = k > 0 ? groups[k - 1] : 0, down = k < groups.length ? G - groups[k] : 0;
      const cost = (up ? up * c(baby) : 0) + (down ? down * c(p.period - baby) : 0);
      if (cost < best) [best, bestK] = [cost, k];
    }
    rotations += best;
    split = bestK < groups.length ? groups[bestK] : G;
    if (bestK > 0 && groups[bestK - 1] > 0) amounts.push(baby);
    if (split < G) amounts.push(p.period - baby);
  }
  for (let s = p.stride; s < p.period; s *= 2) {
    rotations += c(s);
    amounts.push(s);
  }
  return { split, weighted: rotations * p.weight, rotations, amounts };
}

/** Every combination of one power-of-two baby step per product. */
function babyCombinations(products: readonly ProductShape[]): ProductCase[][] {
  let combos: ProductCase[][] = [[]];
  for (const p of products) {
    const cases: ProductCase[] = [];
    for (let b = 1; b <= p.stride; b *= 2) cases.push(productCase(p, b));
    combos = combos.flatMap((c) => cases.map((pc) => [...c, pc]));
  }
  return combos;
}

function evaluate(cases: readonly ProductCase[], keys: readonly number[]) {
  const max = Math.max(1, ...cases.map((pc) => pc.product.period));
  const { count } = fewest(keys, max);
  const plans = cases.map((pc) => planProduct(pc, (a) => count[a]));
  return { plans, weighted: plans.reduce((s, p) => s + p.weighted, 0) };
}

/**
 * The cheapest rotation schedule for `products` with at most `maxKeys` Galois keys.
 *
 * @throws {RangeError} when no schedule fits `maxKeys` keys.
 */
export function scheduleRotations(
  products: readonly ProductShape[],
  maxKeys: number,
): NetworkRotations {
  if (maxKeys < 1) {
    throw new RangeError(`expected a rotation schedule within ${maxKeys} Galois keys`);
  }
  // Lower bound of each combination: every amount its own key.
  const combos = babyCombinations(products).map((cases) => {
    const plans = cases.map((pc) => planProduct(pc, () => 1));
    return {
      cases,
      bound: plans.reduce((s, p) => s + p.weighted, 0),
      wanted: [...new Set(plans.flatMap((p) => p.amounts))],
    };
  }).sort((a, b) => a.bound - b.bound);
  let best: { cases: ProductCase[]; keys: number[]; weighted: number } | null = null;
  for (const { cases, bound, wanted } of combos) {
    if (best && bound >= best.weighted) break;
    let keys = wanted;
    let weighted = evaluate(cases, keys).weighted;
    while (keys.length > maxKeys && Number.isFinite(weighted)) {
      const drops = keys.map((k) => keys.filter((x) => x !== k));
      const costs = drops.map((d) => evaluate(cases, d).weighted);
      const i = costs.indexOf(Math.min(...costs));
      [keys, weighted] = [drops[i], costs[i]];
    }
    if (Number.isFinite(weighted) && (!best || weighted < best.weighted)) {
      best = { cases, keys, weighted };
    }
  }
  if (!best) throw new RangeError(`expected a rotation schedule within ${maxKeys} Galois keys`);
  const keys = best.keys.sort((a, b) => a - b);
  const { plans } = evaluate(best.cases, keys);
  const { last } = fewest(keys, Math.max(1, ...products.map((p) => p.period)));
  const path = (a: number) => {
    const steps: number[] = [];
    for (let r = a; r > 0; r -= last[r]) steps.push(last[r]);
    return steps;
  };
  return {
    schedules: plans.map((p, i) => ({
      baby: best.cases[i].baby,
      split: p.split,
      paths: new Map(p.amounts.map((a) => [a, path(a)])),
    })),
    keys,
    rotations: plans.reduce((s, p) => s + p.rotations, 0),
  };
}
