import assert from "node:assert/strict";
import {
  BREAST_CANCER_FEATURES,
  BREAST_CANCER_FILE,
  classCounts,
  DatasetFormatError,
  loadBreastCancer,
  readBreastCancer,
} from "../../lib/datasets/mod.ts";

Deno.test("breast cancer: 569 x 30, 212 malignant / 357 benign, known first rows", async () => {
  const all = await readBreastCancer();
  assert.equal(all.count, 569);
  assert.deepEqual(all.shape, [30]);
  assert.deepEqual(all.classes, ["malignant", "benign"]);
  assert.deepEqual(classCounts(all), [212, 357]);
  assert.deepEqual(Array.from(all.y.subarray(0, 5)), [0, 0, 0, 0, 0]);
  assert.equal(all.x[0], Math.fround(17.99)); // mean radius of the first patient
  assert.equal(all.x[3], 1001); // mean area
  assert.equal(BREAST_CANCER_FEATURES.length, 30);
  assert.equal(BREAST_CANCER_FEATURES[20], "worst radius");
});

Deno.test("breast cancer split: 455/114, stratified", async () => {
  const { train, test } = await loadBreastCancer();
  assert.equal(train.count, 455);
  assert.equal(test.count, 114);
  assert.deepEqual(classCounts(test), [42, 72]);
  assert.deepEqual(classCounts(train), [170, 285]);
});

Deno.test("a breast cancer file with a wrong header or truncated rows is refused", async () => {
  const text = await Deno.readTextFile(BREAST_CANCER_FILE);
  const path = await Deno.makeTempFile({ suffix: ".csv" });
  try {
    await Deno.writeTextFile(
      path,
      text.replace("569,30,malignant,benign", "569,30,benign,malignant"),
    );
    await assert.rejects(
      () => readBreastCancer(path),
      (e) => e instanceof DatasetFormatError && /expected the header/.test(e.message),
    );
    await Deno.writeTextFile(path, text.slice(0, Math.floor(text.length / 2)));
    await assert.rejects(
      () => readBreastCancer(path),
      (e) =>
        e instanceof DatasetFormatError &&
        /(expected 31 comma-separated fields|expected 569 rows|expected a number)/.test(
          e.message,
        ),
    );
  } finally {
    await Deno.remove(path);
  }
});
