/** Errors callers of the DP training package may want to catch. @module */

/** No noise multiplier within the search bounds reaches the requested epsilon. */
export class CalibrationError extends RangeError {
  /** The smallest epsilon reachable within the bounds. */
  readonly reachableEpsilon: number;
  /** Builds the error; the message says what was asked and what is reachable. */
  constructor(message: string, reachableEpsilon: number) {
    super(message);
    this.name = "CalibrationError";
    this.reachableEpsilon = reachableEpsilon;
  }
}

/** A release would take the privacy spent past the budget; nothing was spent. */
export class BudgetExceededError extends Error {
  /** Epsilon the budget allows. */
  readonly budgetEpsilon: number;
  /** Epsilon the spend would have brought the total to. */
  readonly wouldSpendEpsilon: number;
  /** Builds the error; the message names the spend, the budget and the total it would reach. */
  constructor(message: string, budgetEpsilon: number, wouldSpendEpsilon: number) {
    super(message);
    this.name = "BudgetExceededError";
    this.budgetEpsilon = budgetEpsilon;
    this.wouldSpendEpsilon = wouldSpendEpsilon;
  }
}

export { UsageError } from "../check/mod.ts";
