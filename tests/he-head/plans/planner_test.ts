import assert from "node:assert/strict";
import { choosePlan, EXACT_PREFERENCE, type PlanCost } from "../../../lib/he-head/plans/mod.ts";

const cost = (estimatedMs: number, exact: boolean, queriesPerEvaluation = 1): PlanCost => ({
  estimatedMs,
  queriesPerEvaluation,
  maxQueries: queriesPerEvaluation,
  exact,
  needsKeys: true,
});

Deno.test("the planner prefers an exact plan within 1.5x of the fastest approximate one", () => {
  const approx = { name: "approx", cost: cost(20, false) };
  const within = { name: "exact", cost: cost(20 * EXACT_PREFERENCE, true) };
  const choice = choosePlan([approx, within], 1);
  assert.equal(choice.plan, "exact");
  assert.equal(choice.exact, true);
  assert.deepEqual(choice.candidates.map((c) => [c.plan, c.exact]), [
    ["approx", false],
    ["exact", true],
  ]);
});

Deno.test("the planner keeps the approximate plan when every exact one is over 1.5x slower", () => {
  const approx = { name: "approx", cost: cost(20, false) };
  const slow = { name: "slow", cost: cost(20 * EXACT_PREFERENCE + 0.01, true) };
  const choice = choosePlan([slow, approx], 1);
  assert.equal(choice.plan, "approx");
  assert.equal(choice.exact, false);
});

Deno.test("the planner's exact preference counts only usable plans and whole evaluations", () => {
  const approx = { name: "approx", cost: cost(20, false) };
  const exact = { name: "exact", cost: cost(25, true) };
  // Keys of the exact plan not registered: the approximate one.
  assert.equal(choosePlan([approx, exact], 1, ["approx"]).plan, "approx");
  // 16 queries: 16 evaluations each; the exact plan is still within 1.5x.
  assert.equal(choosePlan([approx, exact], 16).plan, "exact");
  // A batch plan: one evaluation for 4096 queries is faster than both.
  const simd = { name: "simd", cost: cost(900, true, 4096) };
  assert.equal(choosePlan([approx, exact, simd], 4096).plan, "simd");
});

Deno.test("the planner refuses when no plan is usable, and counts a keyless plan as usable", () => {
  const needs = { name: "needs", cost: cost(20, true) };
  assert.throws(() => choosePlan([needs], 1, []), /no usable plan/);
  const keyless = { name: "keyless", cost: { ...cost(30, true), needsKeys: false } };
  assert.equal(choosePlan([needs, keyless], 1, []).plan, "keyless");
});
