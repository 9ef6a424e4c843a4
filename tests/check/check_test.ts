import assert from "node:assert/strict";
import {
  check,
  checkDelta,
  checkEpsilon,
  checkInteger,
  checkNonNegative,
  checkPositive,
  checkProbability,
  oneOf,
  UsageError,
} from "../../lib/check/mod.ts";

function throwsRange(f: () => void, message: string): void {
  assert.throws(f, (e: unknown) => e instanceof RangeError && e.message === message);
}

Deno.test("check: the message names what was expected and what was received", () => {
  check(true, "anything", 1);
  throwsRange(
    () => check(false, "a sorted list", "[2, 1]"),
    "expected a sorted list, received [2, 1]",
  );
});

Deno.test("checkPositive and checkNonNegative refuse non-finite values", () => {
  checkPositive(0.01, "learning rate");
  throwsRange(
    () => checkPositive(0, "learning rate"),
    "expected a finite learning rate > 0, received 0",
  );
  throwsRange(() => checkPositive(Infinity, "x"), "expected a finite x > 0, received Infinity");
  throwsRange(() => checkPositive(NaN, "x"), "expected a finite x > 0, received NaN");
  checkNonNegative(0, "sensitivity");
  throwsRange(
    () => checkNonNegative(-1, "sensitivity"),
    "expected a finite sensitivity >= 0, received -1",
  );
});

Deno.test("checkInteger: lower bound, optional upper bound", () => {
  checkInteger(1, "width", 1);
  checkInteger(30, "bits", 1, 30);
  throwsRange(
    () => checkInteger(0, "width", 1),
    "expected width to be an integer >= 1, received 0",
  );
  throwsRange(
    () => checkInteger(1.5, "width", 1),
    "expected width to be an integer >= 1, received 1.5",
  );
  throwsRange(
    () => checkInteger(31, "bits", 1, 30),
    "expected bits to be an integer in [1, 30], received 31",
  );
});

Deno.test("checkDelta, checkProbability and checkEpsilon keep the messages tests match", () => {
  checkDelta(1e-5);
  checkProbability(0.5, "p");
  checkEpsilon(3);
  for (const d of [0, 1, -1, NaN]) {
    assert.throws(() => checkDelta(d), {
      name: "RangeError",
      message: /expected delta in \(0, 1\)/,
    });
  }
  throwsRange(() => checkProbability(1, "q"), "expected q in (0, 1), received 1");
  throwsRange(() => checkEpsilon(0), "expected a finite epsilon > 0, received 0");
  throwsRange(() => checkEpsilon(Infinity), "expected a finite epsilon > 0, received Infinity");
});

Deno.test("oneOf returns the value typed, or names the choices", () => {
  const c: "tight" | "classic" = oneOf("tight", ["tight", "classic"] as const, "conversion");
  assert.equal(c, "tight");
  throwsRange(
    () => oneOf("loose", ["tight", "classic"], "conversion"),
    "expected conversion to be one of tight, classic, received loose",
  );
});

Deno.test("UsageError is a named Error", () => {
  const e = new UsageError('--x: expected a number, received "y"');
  assert.equal(e.name, "UsageError");
  assert.ok(e instanceof Error);
});
