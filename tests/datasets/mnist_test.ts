import assert from "node:assert/strict";
import {
  classCounts,
  DatasetFormatError,
  loadMnist,
  mnistDataDir,
  parseIdx,
} from "../../lib/datasets/mod.ts";

Deno.test("MNIST test split: 10000 images of 28x28 grey levels, known first labels", async () => {
  const test = await loadMnist("test");
  assert.equal(test.count, 10_000);
  assert.deepEqual(test.shape, [28, 28, 1]);
  assert.equal(test.x.length, 10_000 * 784);
  assert.deepEqual(Array.from(test.y.subarray(0, 10)), [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
  assert.deepEqual(
    classCounts(test),
    [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009],
  );
  let max = 0, min = 255;
  for (const v of test.x) {
    if (v > max) max = v;
    if (v < min) min = v;
  }
  assert.equal(min, 0);
  assert.equal(max, 255);
});

Deno.test("MNIST train split: 60000 images, known first labels", async () => {
  const train = await loadMnist("train");
  assert.equal(train.count, 60_000);
  assert.deepEqual(Array.from(train.y.subarray(0, 10)), [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
  assert.equal(classCounts(train).reduce((a, b) => a + b), 60_000);
  assert.equal(train.name, "mnist/train");
});

async function corruptedCopy(edit: (images: Uint8Array, labels: Uint8Array) => void) {
  const dir = await Deno.makeTempDir();
  const src = mnistDataDir();
  const images = await Deno.readFile(`${src}t10k-images-idx3-ubyte`);
  const labels = await Deno.readFile(`${src}t10k-labels-idx1-ubyte`);
  edit(images, labels);
  return { dir, images, labels };
}

Deno.test("a truncated MNIST image file is refused with a clear error", async () => {
  const { dir, images, labels } = await corruptedCopy(() => {});
  try {
    await Deno.writeFile(`${dir}/t10k-images-idx3-ubyte`, images.subarray(0, images.length - 100));
    await Deno.writeFile(`${dir}/t10k-labels-idx1-ubyte`, labels);
    await assert.rejects(
      () => loadMnist("test", { dir }),
      (e) =>
        e instanceof DatasetFormatError && /expected 7840016 bytes/.test(e.message) &&
        /truncated/.test(e.message) && /t10k-images-idx3-ubyte/.test(e.message),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("an MNIST label file with a wrong magic number is refused", async () => {
  const { dir, images, labels } = await corruptedCopy((_, l) => {
    l[3] = 3; // claims 3 dimensions
  });
  try {
    await Deno.writeFile(`${dir}/t10k-images-idx3-ubyte`, images);
    await Deno.writeFile(`${dir}/t10k-labels-idx1-ubyte`, labels);
    await assert.rejects(
      () => loadMnist("test", { dir }),
      (e) =>
        e instanceof DatasetFormatError && /magic number 0x00000801/.test(e.message) &&
        /received 0x00000803/.test(e.message),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("parseIdx checks dimensions and trailing bytes", () => {
  const header = [0, 0, 8, 1, 0, 0, 0, 3];
  assert.deepEqual(
    Array.from(parseIdx(new Uint8Array([...header, 7, 8, 9]), "t", { dims: [3] }).data),
    [7, 8, 9],
  );
  assert.throws(
    () => parseIdx(new Uint8Array([...header, 7, 8, 9]), "t", { dims: [4] }),
    /expected dimension 0 of size 4, received 3/,
  );
  assert.throws(
    () => parseIdx(new Uint8Array([...header, 7, 8, 9, 10]), "t", { dims: [3] }),
    /trailing data/,
  );
  assert.throws(() => parseIdx(new Uint8Array([0, 0]), "t", { dims: [3] }), /header of 8 bytes/);
});
