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

/** Rotations of one product at baby step `baby`, each amount costing `c(amount)` rotations. */
function planProduct(p: ProductShape, baby: number, c: (a: number) => number): ProductPlan {
  const G = p.stride / baby;
  const groups = [...new Set(p.diagonals.map((i) => Math.floor(i / baby)))].sort((a, b) => a - b);
  const maxBaby = Math.max(0, ...p.diagonals.map((i) => i % baby));
  let rotations = maxBaby > 0 ? p.inputs * maxBaby * c(1) : 0;
  const amounts = maxBaby > 0 ? [1] : [];
  let split = G;
  if (G > 1) {
    let best = Infinity;
    const splits = p.stride === p.period ? groups.filter((g) => g > 0).concat(G) : [G];
    for (const t of splits) {
      const low = groups.filter((g) => g < t), high = groups.filter((g) => g >= t);
      const up = Math.max(0, ...low), down = high.length ? G - high[0] : 0;
      const cost = (up ? up * c(baby) : 0) + (down ? down * c(p.period - baby) : 0);
      if (cost < best) [best, split] = [cost, t];
    }
    rotations += best;
    const low = groups.filter((g) => g < split);
    if (Math.max(0, ...low) > 0) amounts.push(baby);
    if (split < G) amounts.push(p.period - baby);
  }
  for (let s = p.stride; s < p.period; s *= 2) {
    rotations += c(s);
    amounts.push(s);
  }
  return { split, weighted: rotations * p.weight, rotations, amounts };
}

/** Every combination of one power-of-two baby step per product. */
function babyCombinations(products: readonly ProductShape[]): number[][] {
  let combos: number[][] = [[]];
  for (const p of products) {
    const next: number[][] = [];
    for (const c of combos) for (let b = 1; b <= p.stride; b *= 2) next.push([...c, b]);
    combos = next;
  }
  return combos;
}

function evaluate(products: readonly ProductShape[], babies: number[], keys: number[]) {
  const max = Math.max(1, ...products.map((p) => p.period));
  const { count } = fewest(keys, max);
  const plans = products.map((p, i) => planProduct(p, babies[i], (a) => count[a]));
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
  // Lower bound of each combination: every amount its own key.
  const combos = babyCombinations(products).map((babies) => {
    const plans = products.map((p, i) => planProduct(p, babies[i], () => 1));
    return {
      babies,
      bound: plans.reduce((s, p) => s + p.weighted, 0),
      wanted: [...new Set(plans.flatMap((p) => p.amounts))],
    };
  }).sort((a, b) => a.bound - b.bound);
  let best: { babies: number[]; keys: number[]; weighted: number } | null = null;
  for (const { babies, bound, wanted } of combos) {
    if (best && bound >= best.weighted) break;
    let keys = wanted;
    let weighted = evaluate(products, babies, keys).weighted;
    while (keys.length > maxKeys && Number.isFinite(weighted)) {
      const drops = keys.map((k) => keys.filter((x) => x !== k));
      const costs = drops.map((d) => evaluate(products, babies, d).weighted);
      const i = costs.indexOf(Math.min(...costs));
      [keys, weighted] = [drops[i], costs[i]];
    }
    if (Number.isFinite(weighted) && (!best || weighted < best.weighted)) {
      best = { babies, keys, weighted };
    }
  }
  if (!best) throw new RangeError(`expected a rotation schedule within ${maxKeys} Galois keys`);
  const keys = best.keys.sort((a, b) => a - b);
  const { plans } = evaluate(products, best.babies, keys);
  const { last } = fewest(keys, Math.max(1, ...products.map((p) => p.period)));
  const path = (a: number) => {
    const steps: number[] = [];
    for (let r = a; r > 0; r -= last[r]) steps.push(last[r]);
    return steps;
  };
  return {
    schedules: plans.map((p, i) => ({
      baby: best.babies[i],
      split: p.split,
      paths: new Map(p.amounts.map((a) => [a, path(a)])),
    })),
    keys,
    rotations: plans.reduce((s, p) => s + p.rotations, 0),
  };
}
