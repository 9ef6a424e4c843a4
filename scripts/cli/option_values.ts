/**
 * Checks of option values shared by the task scripts' option parsers: each returns the value or
 * throws a {@linkcode UsageError} "--name: expected <what>, received <value>".
 *
 * @module
 */
import { UsageError } from "./usage.ts";

/** `v` as a number for which `check` holds, else a UsageError naming `expected`. */
export function num(
  name: string,
  v: string,
  check: (x: number) => boolean,
  expected: string,
): number {
  const x = Number(v);
  if (v.trim() === "" || Number.isNaN(x) || !check(x)) {
    throw new UsageError(`--${name}: expected ${expected}, received ${JSON.stringify(v)}`);
  }
  return x;
}

/** `v` as an integer in `[min, max]`. */
export const int = (name: string, v: string, min: number, max: number): number =>
  num(
    name,
    v,
    (x) => Number.isInteger(x) && x >= min && x <= max,
    `an integer in [${min}, ${max}]`,
  );

/** `v` as a finite number > 0. */
export const positive = (name: string, v: string): number =>
  num(name, v, (x) => x > 0 && Number.isFinite(x), "a number > 0");

/** `value` when it is one of `allowed`, else a UsageError "--name: expected <expected>, ...". */
export function choice<T extends string>(
  name: string,
  value: string,
  allowed: readonly T[],
  expected = `one of ${allowed.join(", ")}`,
): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`--${name}: expected ${expected}, received ${JSON.stringify(value)}`);
  }
  return value as T;
}
