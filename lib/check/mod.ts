/**
 * Argument checks, in one place. Each check throws a `RangeError` whose message names the value,
 * says what was expected and what was received, in one shape:
 * `expected <what>, received <value>`.
 *
 * A value is checked once, at the public function that receives it.
 *
 * @example
 * ```ts
 * import { checkDelta, checkEpsilon, checkInteger, checkPositive, oneOf } from "./mod.ts";
 * checkEpsilon(3);
 * checkDelta(1e-5);
 * checkPositive(0.01, "learning rate"); // "expected a finite learning rate > 0, received ..."
 * checkInteger(64, "batch size", 1); // "expected batch size to be an integer >= 1, received ..."
 * const conversion = oneOf("tight", ["tight", "classic"] as const, "--conversion");
 * ```
 *
 * @module
 */

/** Throws `RangeError("expected <expected>, received <received>")` unless `ok`. */
export function check(ok: boolean, expected: string, received: unknown): void {
  if (!ok) throw new RangeError(`expected ${expected}, received ${String(received)}`);
}

/** Checks that `value` is finite and > 0: "expected a finite <name> > 0, received <value>". */
export function checkPositive(value: number, name: string): void {
  check(Number.isFinite(value) && value > 0, `a finite ${name} > 0`, value);
}

/** Checks that `value` is finite and >= 0: "expected a finite <name> >= 0, received <value>". */
export function checkNonNegative(value: number, name: string): void {
  check(Number.isFinite(value) && value >= 0, `a finite ${name} >= 0`, value);
}

/**
 * Checks that `value` is an integer in `[min, max]`: "expected <name> to be an integer >= <min>,
 * received <value>" (with a finite `max`: "... an integer in [<min>, <max>], ...").
 */
export function checkInteger(value: number, name: string, min = 0, max = Infinity): void {
  const range = max === Infinity ? `>= ${min}` : `in [${min}, ${max}]`;
  check(
    Number.isInteger(value) && value >= min && value <= max,
    `${name} to be an integer ${range}`,
    value,
  );
}

/** Checks that `value` lies in the open interval (0, 1): "expected <name> in (0, 1), received <value>". */
export function checkProbability(value: number, name: string): void {
  check(value > 0 && value < 1, `${name} in (0, 1)`, value);
}

/** Checks that a DP delta lies in (0, 1): "expected delta in (0, 1), received <delta>". */
export function checkDelta(delta: number): void {
  checkProbability(delta, "delta");
}

/** Checks that a DP epsilon is finite and > 0: "expected a finite epsilon > 0, received <epsilon>". */
export function checkEpsilon(epsilon: number): void {
  checkPositive(epsilon, "epsilon");
}

/**
 * Returns `value` when it is one of `allowed`, else throws
 * "expected <name> to be one of a, b, c, received <value>".
 */
export function oneOf<T extends string>(value: string, allowed: readonly T[], name: string): T {
  check(
    (allowed as readonly string[]).includes(value),
    `${name} to be one of ${allowed.join(", ")}`,
    value,
  );
  return value as T;
}

/**
 * A command-line argument (or a combination of arguments) that cannot be used; the message says
 * what was expected and what was received. Command-line tools answer it with their usage and exit
 * code 2 (`scripts/cli/usage.ts`).
 */
export class UsageError extends Error {
  /** Builds the error. */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
