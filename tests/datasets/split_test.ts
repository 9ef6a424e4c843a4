import assert from "node:assert/strict";
import { DataError, fractionSplit, stratifiedSplit, subset } from "../../lib/datasets/mod.ts";

Deno.test("stratifiedSplit keeps class proportions and depends only on its seed", () => {
  const labels = Int32Array.from({ length: 100 }, (_, i) => (i < 70 ? 0 : 1));
  const a = stratifiedSplit(labels, 10, "s");
  assert.equal(a.test.length, 10);
  assert.equal(a.train.length, 90);
  assert.equal(a.test.filter((i) => labels[i] === 0).length, 7);
  assert.deepEqual(stratifiedSplit(labels, 10, "s"), a);
  assert.notDeepEqual(stratifiedSplit(labels, 10, "other").test, a.test);
  assert.deepEqual([...a.train, ...a.test].sort((x, y) => x - y), [...Array(100).keys()]);
  assert.throws(() => stratifiedSplit(labels, 101, "s"), RangeError);
});

Deno.test("stratifiedSplit hands the remainder to the largest fractional parts", () => {
  // 3 classes of 5: 4 test examples -> 1.33 each -> 1, 1, 1 plus one to class 0 (tie -> lowest).
  const labels = Int32Array.from({ length: 15 }, (_, i) => Math.floor(i / 5));
  const { test } = stratifiedSplit(labels, 4, "x");
  assert.deepEqual([0, 1, 2].map((c) => test.filter((i) => labels[i] === c).length), [2, 1, 1]);
});

Deno.test("subset copies the chosen examples and refuses bad indices", () => {
  const ds = {
    x: new Float32Array([1, 2, 3, 4, 5, 6]),
    y: new Int32Array([0, 1, 0]),
    count: 3,
    shape: [2],
    classes: ["a", "b"],
    name: "toy",
  };
  const s = subset(ds, [2, 0]);
  assert.deepEqual(Array.from(s.x), [5, 6, 1, 2]);
  assert.deepEqual(Array.from(s.y), [0, 0]);
  assert.throws(() => subset(ds, [3]), /expected indices in \[0, 3\), received 3/);
});

Deno.test("fractionSplit: round(f * N) held out, stratified, seeded; a class left without training examples is a DataError", () => {
  const labels = Int32Array.from({ length: 50 }, (_, i) => (i < 30 ? 0 : i < 45 ? 1 : 2));
  const a = fractionSplit(labels, ["a", "b", "c"], 0.2, "s", "data");
  assert.equal(a.test.length, 10);
  assert.deepEqual([0, 1, 2].map((c) => a.test.filter((i) => labels[i] === c).length), [6, 3, 1]);
  assert.deepEqual(fractionSplit(labels, ["a", "b", "c"], 0.2, "s", "data"), a);
  assert.notDeepEqual(fractionSplit(labels, ["a", "b", "c"], 0.2, "t", "data").test, a.test);
  assert.throws(
    () => fractionSplit(labels, ["a", "b", "c"], 0.005, "s", "data"),
    (e: unknown) =>
      e instanceof DataError &&
      /expected at least one test example, received none: a test fraction of 0.005 of 50 examples rounds to 0/
        .test(e.message),
  );
  assert.throws(() => fractionSplit(labels, ["a"], 0, "s", "d"), RangeError);
  assert.throws(
    () => fractionSplit(new Int32Array([0, 1, 1, 1]), ["a", "b"], 0.5, "s", "my-data"),
    (e: unknown) =>
      e instanceof DataError && e.path === "my-data" &&
      /expected at least one training example of every class after holding out 2 for testing, received none of \["a"\]/
        .test(e.message),
  );
  assert.throws(() => fractionSplit(labels, ["a"], 1, "s", "d"), RangeError);
});
