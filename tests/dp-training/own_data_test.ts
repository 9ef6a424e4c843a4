import assert from "node:assert/strict";
import { DataError, loadUciDigits, writeImageFolder } from "../../lib/datasets/mod.ts";
import {
  CLASSES_FROM_DATA,
  loadOwnData,
  OWN_DATA_SPLIT_SEED,
  UsageError,
} from "../../lib/dp-training/mod.ts";
import { loadExtractor } from "../../lib/feature-extractor/mod.ts";

const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);

Deno.test("loadOwnData: an image folder with --test-data keeps both sets and the training classes", async () => {
  const { train, test } = await loadUciDigits();
  const dir = await Deno.makeTempDir();
  try {
    await writeImageFolder(train, `${dir}/train`, { maxValue: 16, indices: range(0, 60) });
    await writeImageFolder(test, `${dir}/test`, {
      maxValue: 16,
      upscale: 2,
      indices: range(0, 20),
    });
    let calls = 0;
    const data = await loadOwnData({
      data: `${dir}/train`,
      testData: `${dir}/test`,
      testFraction: 0.2,
      splitSeed: OWN_DATA_SPLIT_SEED,
      onProgress: (done, total) => {
        calls++;
        assert.ok(done <= total && total === 80);
      },
    });
    assert.ok(calls >= 2, "progress is reported per batch");
    assert.deepEqual([data.train.count, data.test.count], [60, 20]);
    assert.equal(data.dataset, "train");
    assert.deepEqual(data.classes, train.classes);
    // The test folder may lack classes; its labels are the training folder's indices.
    const names = Array.from(data.test.y, (k) => data.classes[k]).sort();
    const expected = range(0, 20).map((i) => test.classes[test.y[i]]).sort();
    assert.deepEqual(names, expected);
    assert.equal(data.test.x.length, 20 * data.input.shape[0]);
    assert.ok(data.test.x.every((v) => v >= data.input.min && v <= data.input.max));

    await Deno.mkdir(`${dir}/test/owl`);
    await Deno.copyFile(
      `${dir}/test/${expected[0]}/${(await first(`${dir}/test/${expected[0]}`))}`,
      `${dir}/test/owl/a.png`,
    );
    await assert.rejects(
      loadOwnData({
        data: `${dir}/train`,
        testData: `${dir}/test`,
        testFraction: 0.2,
        splitSeed: "s",
      }),
      (e: unknown) =>
        e instanceof DataError && e.path === `${dir}/test/owl` &&
        /expected a class folder named as one of the training classes .*, received "owl"/.test(
          e.message,
        ),
    );
    const extractor = await loadExtractor();
    await assert.rejects(
      loadOwnData({
        data: `${dir}/train`,
        testFraction: 0.2,
        splitSeed: "s",
        pipeline: Object.assign(extractor, { toInput: () => new Float32Array(10) }),
      }),
      (e: unknown) =>
        e instanceof UsageError &&
        /the image preprocessing gives 10 values, expected the extractor's input \[8,8,1\] \(64 values\)/
          .test(e.message),
    );
    // A given pipeline is the caller's: still usable after loadOwnData.
    assert.equal(extractor.extract(new Float32Array(64), 1).length, extractor.featureDim);
    extractor.dispose();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

async function first(dir: string): Promise<string> {
  for await (const e of Deno.readDir(dir)) return e.name;
  throw new Error(`${dir} is empty`);
}

Deno.test("loadOwnData: a CSV test file with other columns is a DataError; the split is stratified", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const rows = [
      "a,b,y",
      ...range(0, 40).map((i) => `${i % 5},${i % 3},${i < 30 ? "no" : "yes"}`),
    ];
    await Deno.writeTextFile(`${dir}/t.csv`, rows.join("\n"));
    const data = await loadOwnData({
      data: `${dir}/t.csv`,
      label: "y",
      upperBounds: { a: 4, b: 2 },
      testFraction: 0.25,
      splitSeed: "s",
    });
    assert.deepEqual([data.train.count, data.test.count, data.dataset], [30, 10, "t"]);
    assert.deepEqual(data.classes, ["no", "yes"]);
    // 10 held out of 30 "no" and 10 "yes": 7.5 and 2.5, the tied remainder to the smaller label.
    assert.deepEqual([0, 1].map((c) => data.test.y.filter((y) => y === c).length), [8, 2]);
    assert.deepEqual(data.input, { shape: [2], min: 0, max: 31, scale_log2: 5 });
    await Deno.writeTextFile(`${dir}/u.csv`, "a,c,y\n1,2,no\n");
    await assert.rejects(
      loadOwnData({
        data: `${dir}/t.csv`,
        testData: `${dir}/u.csv`,
        label: "y",
        upperBounds: 4,
        testFraction: 0.2,
        splitSeed: "s",
      }),
      (e: unknown) =>
        e instanceof DataError && e.path === `${dir}/u.csv` && e.line === 1 &&
        /expected the training file's feature columns \["a","b"\], received \["a","c"\]/.test(
          e.message,
        ),
    );
    await assert.rejects(
      loadOwnData({
        data: `${dir}/t.csv`,
        label: "y",
        upperBounds: { a: 4 },
        testFraction: 0.2,
        splitSeed: "s",
      }),
      (e: unknown) =>
        e instanceof UsageError &&
        /--upper-bounds: expected a positive public upper bound for column "b", received undefined/
          .test(e.message),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadOwnData: a test folder may hold a single class; an empty one is a DataError", async () => {
  const { train, test } = await loadUciDigits();
  const dir = await Deno.makeTempDir();
  try {
    await writeImageFolder(train, `${dir}/train`, { maxValue: 16, indices: range(0, 40) });
    const sevens = range(0, 100).filter((i) => test.y[i] === 7).slice(0, 3);
    await writeImageFolder(test, `${dir}/test`, { maxValue: 16, indices: sevens });
    const o = { data: `${dir}/train`, testData: `${dir}/test`, testFraction: 0.2, splitSeed: "s" };
    const data = await loadOwnData(o);
    assert.deepEqual(Array.from(data.test.y, (k) => data.classes[k]), ["7", "7", "7"]);
    await Deno.remove(`${dir}/test/7`, { recursive: true });
    await assert.rejects(
      loadOwnData(o),
      (e: unknown) =>
        e instanceof DataError &&
        /expected at least 1 class sub-folder \(one per class\), received 0/.test(e.message),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadOwnData: --classes states the class names publicly; without it the card notes it", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const rows = ["a,y", ...range(0, 20).map((i) => `${i % 4},${i < 10 ? "no" : "yes"}`)];
    await Deno.writeTextFile(`${dir}/t.csv`, rows.join("\n"));
    const o = {
      data: `${dir}/t.csv`,
      label: "y",
      upperBounds: 4,
      testFraction: 0.2,
      splitSeed: "s",
    };
    const inferred = await loadOwnData(o);
    assert.deepEqual(inferred.classes, ["no", "yes"]);
    assert.deepEqual(inferred.notCovered, [CLASSES_FROM_DATA]);
    const stated = await loadOwnData({ ...o, classes: ["yes", "no"] });
    assert.deepEqual(stated.classes, ["yes", "no"]);
    assert.equal(stated.notCovered, undefined);
    assert.deepEqual(stated.train.y.map((k) => 1 - k), inferred.train.y.map((k) => k));
    await Deno.writeTextFile(`${dir}/t.csv`, [...rows, "3,maybe"].join("\n"));
    await assert.rejects(
      loadOwnData({ ...o, classes: ["no", "yes"] }),
      (e: unknown) =>
        e instanceof DataError && e.line === 22 && e.column === "y" &&
        /expected a label among \["no","yes"\], received "maybe"/.test(e.message),
    );
    // Image folders: the folder names are the user's labels, treated the same way.
    const { train } = await loadUciDigits();
    await writeImageFolder(train, `${dir}/img`, { maxValue: 16, indices: range(0, 40) });
    const folders = [...new Set(range(0, 40).map((i) => train.classes[train.y[i]]))].sort();
    const img = { data: `${dir}/img`, testFraction: 0.2, splitSeed: "s" };
    assert.deepEqual((await loadOwnData(img)).notCovered, [CLASSES_FROM_DATA]);
    const named = await loadOwnData({ ...img, classes: [...folders].reverse() });
    assert.deepEqual(named.classes, [...folders].reverse());
    assert.equal(named.notCovered, undefined);
    await assert.rejects(
      loadOwnData({ ...img, classes: folders.slice(1) }),
      (e: unknown) =>
        e instanceof DataError && e.path === `${dir}/img/${folders[0]}` &&
        /expected a class folder named as one of --classes/.test(e.message),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
