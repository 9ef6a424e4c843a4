/**
 * A privacy budget that refuses to be overspent (in the style of diffprivlib's
 * `BudgetAccountant`): every release on private data is spent here, and a spend that would take
 * the total past `(epsilon, delta)` throws before anything is released.
 *
 * Composition: by the chosen accountant (`accountant`, default `rdp`): RDP curves compose order
 * by order and are converted to `(epsilon, delta)` once; privacy loss distributions (PLD)
 * compose by convolution, direction by direction. Releases known only by an `(epsilon, delta)`
 * pair compose with that by basic composition (epsilons and deltas add). The total is the
 * smaller of two valid bounds: the accountant's, or basic composition for everything that has a
 * pair ({@linkcode composeCosts}).
 *
 * @module
 */
import { checkDelta, checkEpsilon } from "../../check/mod.ts";
import type { Conversion } from "./conversion.ts";
import { BudgetExceededError } from "../errors.ts";
import {
  type Accountant,
  ACCOUNTANTS,
  composeCosts,
  type CompositionOptions,
  evaluateCost,
  type EvaluatedCost,
} from "./compose_costs.ts";
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
  /** `rdp` (default) or `pld`: how spends compose. */
  accountant?: Accountant;
  /** The PLD grid step (default 2^-12; PLD only). */
  pldInterval?: number;
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
  /** The accountant that composes the spends. */
  readonly accountant: Accountant;
  /** The PLD grid step. */
  readonly pldInterval: number;
  private readonly spent: EvaluatedCost[] = [];
  private readonly entries: LedgerEntry[] = [];

  /**
   * Starts a budget with nothing spent.
   *
   * @throws {RangeError} for epsilon <= 0, delta outside (0, 1), an unknown accountant or a
   * PLD interval that is not > 0.
   */
  constructor(options: BudgetOptions) {
    if (options.epsilon !== Infinity) checkEpsilon(options.epsilon);
    checkDelta(options.delta);
    this.epsilon = options.epsilon;
    this.delta = options.delta;
    this.orders = Object.freeze([...(options.orders ?? DEFAULT_ORDERS)]);
    this.conversion = options.conversion ?? "tight";
    this.accountant = options.accountant ?? "rdp";
    if (!ACCOUNTANTS.includes(this.accountant)) {
      throw new RangeError(`expected accountant pld or rdp, received ${this.accountant}`);
    }
    this.pldInterval = options.pldInterval ?? 2 ** -12;
    if (!(this.pldInterval > 0 && Number.isFinite(this.pldInterval))) {
      throw new RangeError(`expected a PLD interval > 0, received ${this.pldInterval}`);
    }
  }

  /** How this budget composes. */
  private get options(): CompositionOptions {
    const { delta, accountant, orders, conversion, pldInterval } = this;
    return { delta, accountant, orders, conversion, pldInterval };
  }

  /** Evaluates a cost for this budget's accountant and validates it. */
  private curve(cost: PrivacyCost): EvaluatedCost {
    return evaluateCost(cost, this.options);
  }

  /** Composition of a list of spends (see {@linkcode composeCosts}). */
  private compose(curves: EvaluatedCost[]): number {
    return composeCosts(curves, this.options);
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
