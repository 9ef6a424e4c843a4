import assert from "node:assert/strict";
// @deno-types="@types/seedrandom"
import seedrandom from "seedrandom";
import { loadMnist } from "../../lib/datasets/mod.ts";
import {
  DEFAULT_AUGMENTATION,
  DEFAULT_INK_FRACTION,
  reduceToUci8x8,
} from "../../lib/feature-extractor/mod.ts";

const mnist = await loadMnist("test");
const N = 200;
const images = mnist.x.subarray(0, N * 784);

Deno.test("the UCI reduction gives 8x8 block counts in 0..16 with the chosen ink and full height", () => {
  const out = reduceToUci8x8(images, N);
  assert.equal(out.length, N * 64);
  assert.ok(out.every((v) => Number.isInteger(v) && v >= 0 && v <= 16));
  for (let i = 0; i < N; i++) {
    const img = out.subarray(i * 64, i * 64 + 64);
    const ink = img.reduce((a, b) => a + b, 0);
    // Exactly the brightest 30% of the 1024 bitmap pixels.
    assert.equal(ink, Math.round(DEFAULT_INK_FRACTION * 1024), `image ${i}`);
    const rowInk = (r: number) => img.subarray(r * 8, r * 8 + 8).reduce((a, b) => a + b, 0);
    const colInk = (c: number) => [0, 1, 2, 3, 4, 5, 6, 7].reduce((a, r) => a + img[r * 8 + c], 0);
    // The digit spans the full height or the full width of the box, as NIST's normalisation.
    const tall = rowInk(0) > 0 && rowInk(7) > 0;
    const wide = colInk(0) > 0 && colInk(7) > 0;
    assert.ok(tall || wide, `image ${i} spans neither the full height nor the full width`);
  }
});

Deno.test("the reduction of MNIST's first test digit (a 7) has ink top-right and bottom-middle", () => {
  const seven = reduceToUci8x8(images.subarray(0, 784), 1);
  assert.ok(seven[0 * 8 + 5] > 8, "top row of the 7");
  assert.ok(seven[7 * 8 + 3] + seven[7 * 8 + 2] > 8, "foot of the 7");
  assert.equal(seven[7 * 8 + 7], 0);
});

Deno.test("augmented reductions are reproducible from the seed and differ between seeds", () => {
  const opts = (seed: string) => ({ augmentation: DEFAULT_AUGMENTATION, random: seedrandom(seed) });
  const a = reduceToUci8x8(images, N, opts("a"));
  assert.deepEqual(reduceToUci8x8(images, N, opts("a")), a);
  assert.notDeepEqual(reduceToUci8x8(images, N, opts("b")), a);
  assert.ok(a.every((v) => v >= 0 && v <= 16));
});

Deno.test("a blank image reduces to zeros, and bad sizes are refused", () => {
  assert.ok(reduceToUci8x8(new Float32Array(784), 1).every((v) => v === 0));
  assert.throws(() => reduceToUci8x8(new Float32Array(783), 1), /expected 1 x 28 x 28 = 784/);
  assert.throws(
    () => reduceToUci8x8(new Float32Array(784), 1, { augmentation: DEFAULT_AUGMENTATION }),
    /random generator/,
  );
});
