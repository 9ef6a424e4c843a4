/**
 * A privacy budget that refuses to be overspent (in the style of diffprivlib's
 * `BudgetAccountant`): every release on private data is spent here, and a spend that would take
 * the total past `(epsilon, delta)` throws before anything is released.
 *
 * Composition: releases with an RDP curve (every DP-SGD phase, Gaussian and Laplace releases)
 * compose order by order and are converted to `(epsilon, delta)` once; releases known only by
 * an `(epsilon, delta)` pair compose with that by basic composition (epsilons and deltas add).
 * The total is the smaller of two valid bounds: RDP for everything that has a curve, or basic
 * composition for everything that has a pair.
 *
 * @module
 */
import { checkDelta, checkEpsilon } from "../../check/mod.ts";
import { type Conversion, rdpToEpsilon } from "./conversion.ts";
import { BudgetExceededError } from "../errors.ts";
import type { PrivacyCost } from "./privacy_cost.ts";
import { DEFAULT_ORDERS } from "./rdp.ts";

/** Options of {@linkcode BudgetAccountant}. */
export interface BudgetOptions {
  /** Total epsilon allowed (> 0, may be `Infinity` for a non-private run that still records). */
  epsilon: number;
  /** Total delta allowed, in (0, 1). */
  delta: number;
  /** RDP orders (default {@linkcode DEFAULT_ORDERS}). */
  orders?: readonly number[];
  /** RDP-to-(epsilon, delta) conversion (default `tight`). */
  conversion?: Conversion;
}

/** One recorded spend. */
export interface LedgerEntry {
  /** The release's label. */
  label: string;
  /** Its epsilon on its own at the budget's delta. */
  epsilon: number;
  /** The total epsilon spent after it. */
  totalEpsilon: number;
}

interface Curve {
  label: string;
  rdp?: Float64Array;
  epsilon?: number;
  delta?: number;
}

/**
 * Tracks spends against a fixed `(epsilon, delta)` budget.
 *
 * @example
 * ```ts
 * import { BudgetAccountant } from "./budget_accountant.ts";
 * import { subsampledGaussianCost } from "./privacy_cost.ts";
 * const budget = new BudgetAccountant({ epsilon: 3, delta: 1e-5 });
 * budget.spend(subsampledGaussianCost({ label: "training", sampleRate: 0.05,
 *   noiseMultiplier: 1.5, steps: 600 }));
 * budget.total().epsilon; // <= 3, or spend would have thrown
 * ```
 */
export class BudgetAccountant {
  /** The budget's epsilon. */
  readonly epsilon: number;
  /** The budget's delta. */
  readonly delta: number;
  /** RDP orders. */
  readonly orders: readonly number[];
  /** The conversion used. */
  readonly conversion: Conversion;
  private readonly spent: Curve[] = [];
  private readonly entries: LedgerEntry[] = [];

  /** @throws {RangeError} for epsilon <= 0 or delta outside (0, 1). */
  /**
   * Starts a budget with nothing spent.
   *
   * @throws {RangeError} for epsilon <= 0 or delta outside (0, 1).
   */
  constructor(options: BudgetOptions) {
    if (options.epsilon !== Infinity) checkEpsilon(options.epsilon);
    checkDelta(options.delta);
    this.epsilon = options.epsilon;
    this.delta = options.delta;
    this.orders = Object.freeze([...(options.orders ?? DEFAULT_ORDERS)]);
    this.conversion = options.conversion ?? "tight";
  }

  /** Evaluates a cost at this budget's orders and validates it. */
  private curve(cost: PrivacyCost): Curve {
    const c: Curve = { label: cost.label };
    if (cost.rdp) c.rdp = cost.rdp(this.orders);
    if (cost.epsilon !== undefined) {
      if (!(cost.epsilon >= 0)) {
        throw new RangeError(`expected a cost epsilon >= 0, received ${cost.epsilon}`);
      }
      const d = cost.delta ?? 0;
      if (!(d >= 0 && d < 1)) {
        throw new RangeError(`expected a cost delta in [0, 1), received ${d}`);
      }
      c.epsilon = cost.epsilon;
      c.delta = d;
    }
    if (!c.rdp && c.epsilon === undefined) {
      throw new TypeError(
        `expected the cost "${cost.label}" to give an RDP curve or an epsilon, received neither`,
      );
    }
    return c;
  }

  /** Composition of a list of spends, as the smaller of the two bounds. */
  private compose(curves: Curve[]): number {
    const bound = (preferRdp: boolean): number => {
      const rdp = new Float64Array(this.orders.length);
      let eps = 0, delta = 0, anyRdp = false;
      for (const c of curves) {
        const useRdp = c.rdp && (preferRdp || c.epsilon === undefined);
        if (useRdp) {
          for (let k = 0; k < rdp.length; k++) rdp[k] += c.rdp![k];
          anyRdp = true;
        } else {
          eps += c.epsilon!;
          delta += c.delta!;
        }
      }
      if (delta > this.delta || (anyRdp && delta >= this.delta)) return Infinity;
      if (anyRdp && rdp.some((r) => r > 0)) {
        eps += rdpToEpsilon(this.orders, rdp, this.delta - delta, this.conversion).epsilon;
      }
      return eps;
    };
    return Math.min(bound(true), bound(false));
  }

  /** The total `(epsilon, delta)` spent so far. */
  total(): { epsilon: number; delta: number } {
    return { epsilon: this.compose(this.spent), delta: this.delta };
  }

  /** The epsilon the total would reach with `cost` added (nothing is spent). */
  wouldSpend(cost: PrivacyCost): number {
    return this.compose([...this.spent, this.curve(cost)]);
  }

  /**
   * Records a spend.
   *
   * @throws {BudgetExceededError} when the total would pass the budget; nothing is recorded.
   */
  spend(cost: PrivacyCost): LedgerEntry {
    const c = this.curve(cost);
    const total = this.compose([...this.spent, c]);
    if (total > this.epsilon * (1 + 1e-12)) {
      throw new BudgetExceededError(
        `spending "${cost.label}" would bring the privacy spent to epsilon ${
          total.toPrecision(4)
        } at delta ${this.delta}, past the budget of epsilon ${this.epsilon}; nothing was spent`,
        this.epsilon,
        total,
      );
    }
    this.spent.push(c);
    const entry = { label: cost.label, epsilon: this.compose([c]), totalEpsilon: total };
    this.entries.push(entry);
    return entry;
  }

  /** Epsilon still unspent (budget minus the total). */
  remaining(): number {
    return this.epsilon - this.total().epsilon;
  }

  /** Every spend in order. */
  ledger(): readonly LedgerEntry[] {
    return [...this.entries];
  }
}
