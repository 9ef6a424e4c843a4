import assert from "node:assert/strict";
import {
  DatasetUnavailableError,
  fashionMnistAvailable,
  loadFashionMnist,
} from "../../lib/datasets/mod.ts";

const available = await fashionMnistAvailable();

Deno.test({
  name: "Fashion-MNIST test split (optional: needs Debian's dataset-fashion-mnist)",
  ignore: !available,
  fn: async () => {
    const test = await loadFashionMnist("test");
    assert.equal(test.count, 10_000);
    assert.deepEqual(test.shape, [28, 28, 1]);
    assert.deepEqual(Array.from(test.y.subarray(0, 10)), [9, 2, 1, 1, 6, 1, 4, 6, 5, 7]);
    assert.equal(test.classes[9], "Ankle boot");
  },
});

Deno.test("Fashion-MNIST from a folder that does not hold it is reported as unavailable", async () => {
  const dir = await Deno.makeTempDir();
  try {
    assert.equal(await fashionMnistAvailable(dir), false);
    await assert.rejects(
      () => loadFashionMnist("test", { dir }),
      (e) => e instanceof DatasetUnavailableError && /apt-get install/.test(e.message),
    );
  } finally {
    await Deno.remove(dir);
  }
});
