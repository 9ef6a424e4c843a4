/**
 * Composition of several privacy costs into one `(epsilon, delta)` figure, by the accountant the
 * caller chooses: RDP (curves add order by order) or PLD (privacy loss distributions convolved,
 * direction by direction). Costs without the chosen representation compose by basic composition
 * of their `(epsilon, delta)` pairs. The budget accountant, the noise calibration and the model
 * card all use this one function, so the figure a run was calibrated to is the figure its
 * ledger shows.
 *
 * @module
 */
import { type Conversion, rdpToEpsilon } from "./conversion.ts";
import { composePairs, pairEpsilon, type PldPair, subsampledGaussianPair } from "./pld_pair.ts";
import type { PrivacyCost } from "./privacy_cost.ts";

/** The accountants: PLD (the default, tighter) and RDP. */
export const ACCOUNTANTS = ["pld", "rdp"] as const;

/** Which accountant composes the costs. */
export type Accountant = typeof ACCOUNTANTS[number];

/** How {@linkcode composeCosts} composes. */
export interface CompositionOptions {
  /** The delta of the result, in (0, 1). */
  delta: number;
  /** `pld` or `rdp`. */
  accountant: Accountant;
  /** RDP orders (RDP only). */
  orders: readonly number[];
  /** RDP-to-(epsilon, delta) conversion (RDP only). */
  conversion: Conversion;
  /** The PLD grid step (PLD only). */
  pldInterval: number;
}

/** A cost evaluated once: its RDP curve, its PLD pair and its (epsilon, delta), as available. */
export interface EvaluatedCost {
  /** The cost's label. */
  label: string;
  /** Its RDP curve at the options' orders. */
  rdp?: Float64Array;
  /** Its PLD pair on the options' grid (built lazily for DP-SGD steps, see `steps`). */
  pld?: PldPair;
  /** DP-SGD steps: the parameters, composed with like steps as one self-composition. */
  steps?: { sampleRate: number; noiseMultiplier: number; steps: number };
  /** Its epsilon, when known. */
  epsilon?: number;
  /** Its delta (0 when only epsilon is given). */
  delta?: number;
}

/**
 * Evaluates and validates a cost for the chosen accountant.
 *
 * @throws {RangeError} for a negative epsilon or a delta outside [0, 1).
 * @throws {TypeError} for a cost that gives neither the accountant's representation nor an
 * epsilon.
 */
export function evaluateCost(cost: PrivacyCost, o: CompositionOptions): EvaluatedCost {
  const c: EvaluatedCost = { label: cost.label };
  if (o.accountant === "rdp" && cost.rdp) c.rdp = cost.rdp(o.orders);
  if (o.accountant === "pld" && cost.subsampledGaussian) c.steps = cost.subsampledGaussian;
  else if (o.accountant === "pld" && cost.pld) c.pld = cost.pld(o.pldInterval);
  if (cost.epsilon !== undefined) {
    if (!(cost.epsilon >= 0)) {
      throw new RangeError(`expected a cost epsilon >= 0, received ${cost.epsilon}`);
    }
    const d = cost.delta ?? 0;
    if (!(d >= 0 && d < 1)) throw new RangeError(`expected a cost delta in [0, 1), received ${d}`);
    c.epsilon = cost.epsilon;
    c.delta = d;
  }
  if (!c.rdp && !c.pld && !c.steps && c.epsilon === undefined) {
    throw new TypeError(
      `expected the cost "${cost.label}" to give ${
        o.accountant === "pld" ? "a PLD" : "an RDP curve"
      } or an epsilon, received neither`,
    );
  }
  return c;
}

/**
 * The epsilon at `o.delta` of the composition of `costs`: the smaller of two valid bounds, the
 * accountant's (its representation where a cost has one, basic composition for the rest) and
 * basic composition of every `(epsilon, delta)` pair (Infinity when a cost has none).
 */
export function composeCosts(costs: readonly EvaluatedCost[], o: CompositionOptions): number {
  if (costs.length === 0) return 0;
  const bound = (useAccountant: boolean): number => {
    const rdp = new Float64Array(o.orders.length), pairs: (PldPair | string)[] = [];
    const runs = new Map<string, { sampleRate: number; noiseMultiplier: number; steps: number }>();
    let eps = 0, delta = 0;
    for (const c of costs) {
      const preferred = c.epsilon === undefined || useAccountant;
      if (preferred && c.steps) {
        // Steps with the same rate and noise: one self-composition, at the first one's place.
        const key = `${c.steps.sampleRate}/${c.steps.noiseMultiplier}`, run = runs.get(key);
        if (run) run.steps += c.steps.steps;
        else {
          runs.set(key, { ...c.steps });
          pairs.push(key);
        }
      } else if (preferred && c.pld) pairs.push(c.pld);
      else if (preferred && c.rdp) { for (let k = 0; k < rdp.length; k++) rdp[k] += c.rdp[k]; }
      else if (c.epsilon !== undefined) {
        eps += c.epsilon;
        delta += c.delta!;
      } else return Infinity;
    }
    const composite = pairs.length > 0 || rdp.some((r) => r > 0);
    if (delta > o.delta || (composite && delta >= o.delta)) return Infinity;
    if (pairs.length > 0) {
      const built = pairs.map((p) =>
        typeof p === "string"
          ? subsampledGaussianPair({ ...runs.get(p)!, interval: o.pldInterval })
          : p
      );
      eps += pairEpsilon(composePairs(built), o.delta - delta).epsilon;
    }
    if (rdp.some((r) => r > 0)) {
      eps += rdpToEpsilon(o.orders, rdp, o.delta - delta, o.conversion).epsilon;
    }
    return eps;
  };
  return Math.min(bound(true), bound(false));
}
