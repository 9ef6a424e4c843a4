import assert from "node:assert/strict";
import {
  classCounts,
  DatasetFormatError,
  loadUciDigits,
  readUciDigits,
  UCI_DIGITS_FILE,
} from "../../lib/datasets/mod.ts";

Deno.test("UCI digits: 1797 8x8 images in 0..16, known first labels and class balance", async () => {
  const all = await readUciDigits();
  assert.equal(all.count, 1797);
  assert.deepEqual(all.shape, [8, 8, 1]);
  assert.deepEqual(Array.from(all.y.subarray(0, 10)), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual(classCounts(all), [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]);
  // The first digit (a zero) as published.
  assert.deepEqual(
    Array.from(all.x.subarray(0, 16)),
    [0, 0, 5, 13, 9, 1, 0, 0, 0, 0, 13, 15, 10, 15, 5, 0],
  );
  assert.ok(all.x.every((v) => Number.isInteger(v) && v >= 0 && v <= 16));
});

Deno.test("UCI digits split: 1297/500, stratified, disjoint, fixed", async () => {
  const { train, test } = await loadUciDigits();
  assert.equal(train.count, 1297);
  assert.equal(test.count, 500);
  const testCounts = classCounts(test);
  assert.deepEqual(testCounts, [50, 51, 49, 51, 50, 51, 50, 50, 48, 50]);
  assert.deepEqual(classCounts(train), [128, 131, 128, 132, 131, 131, 131, 129, 126, 130]);
  // The split is fixed by its seed: these are the first held-out labels on every machine.
  assert.deepEqual(Array.from(test.y.subarray(0, 12)), [4, 5, 7, 7, 8, 9, 8, 1, 7, 3, 2, 7]);
  // Every image appears exactly once across the two parts.
  const key = (x: Float32Array, i: number) => x.subarray(i * 64, i * 64 + 64).join(",");
  const all = await readUciDigits();
  const multiset = new Map<string, number>();
  for (let i = 0; i < all.count; i++) {
    multiset.set(key(all.x, i), (multiset.get(key(all.x, i)) ?? 0) + 1);
  }
  for (const part of [train, test]) {
    for (let i = 0; i < part.count; i++) {
      const k = key(part.x, i);
      assert.ok(multiset.has(k), `example ${i} of ${part.name} is not in the file`);
      multiset.set(k, multiset.get(k)! - 1);
    }
  }
  assert.ok([...multiset.values()].every((n) => n === 0));
});

Deno.test("a truncated UCI digits file is refused with a clear error", async () => {
  const bytes = await Deno.readFile(UCI_DIGITS_FILE);
  const path = await Deno.makeTempFile({ suffix: ".csv.gz" });
  try {
    await Deno.writeFile(path, bytes.subarray(0, bytes.length - 1000));
    await assert.rejects(
      () => readUciDigits(path),
      (e) => e instanceof DatasetFormatError && /gzip/.test(e.message),
    );
    await Deno.writeFile(path, new TextEncoder().encode("0,1,2\n"));
    await assert.rejects(
      () => readUciDigits(path),
      (e) => e instanceof DatasetFormatError && /expected a gzip stream/.test(e.message),
    );
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("a UCI digits file with a bad row or a missing row is refused", async () => {
  const gzip = async (text: string) =>
    new Uint8Array(
      await new Response(
        new Blob([text]).stream().pipeThrough(new CompressionStream("gzip")),
      ).arrayBuffer(),
    );
  const row = (label: number, pixel = 3) => [...new Array(64).fill(pixel), label].join(",");
  const path = await Deno.makeTempFile({ suffix: ".csv.gz" });
  try {
    await Deno.writeFile(path, await gzip(Array.from({ length: 1797 }, () => row(1)).join("\n")));
    assert.equal((await readUciDigits(path)).count, 1797);
    await Deno.writeFile(path, await gzip(Array.from({ length: 1796 }, () => row(1)).join("\n")));
    await assert.rejects(() => readUciDigits(path), /expected 1797 rows, received 1796/);
    const rows = Array.from({ length: 1797 }, () => row(1));
    rows[5] = row(1, 17);
    await Deno.writeFile(path, await gzip(rows.join("\n")));
    await assert.rejects(
      () => readUciDigits(path),
      /line 6, field 1: expected an integer in \[0, 16\], received 17/,
    );
  } finally {
    await Deno.remove(path);
  }
});
