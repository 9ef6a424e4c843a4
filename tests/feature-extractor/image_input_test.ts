import assert from "node:assert/strict";
import { encode as encodePng } from "fast-png";
import { decodeImage, loadUciDigits } from "../../lib/datasets/mod.ts";
import { reduceToUci8x8, uciBlocksFromImage } from "../../lib/feature-extractor/mod.ts";
import { readDigitImage } from "../../lib/client/mod.ts";

/** UCI test digit `i` as a grey image of side 8 * up (nearest neighbour), ink dark or light. */
async function digitPng(i: number, up: number, darkInk: boolean) {
  const { test } = await loadUciDigits();
  const side = 8 * up, data = new Uint8Array(side * side);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const v = Math.round((test.x[64 * i + ((y / up) | 0) * 8 + ((x / up) | 0)] * 255) / 16);
      data[y * side + x] = darkInk ? 255 - v : v;
    }
  }
  return { png: encodePng({ width: side, height: side, data, channels: 1 }), raw: data, side };
}

Deno.test("uciBlocksFromImage: an 8 x 8 image is its block counts, dark ink inverted", async () => {
  const { test } = await loadUciDigits();
  for (const dark of [false, true]) {
    const { png } = await digitPng(3, 1, dark);
    assert.deepEqual(uciBlocksFromImage(decodeImage("d.png", png)), test.x.subarray(192, 256));
  }
});

Deno.test("uciBlocksFromImage: a larger image goes through reduceToUci8x8; colour by luma", async () => {
  const { png, raw, side } = await digitPng(5, 4, false);
  const want = reduceToUci8x8(Float32Array.from(raw), 1, {}, side, side);
  assert.deepEqual(uciBlocksFromImage(decodeImage("d.png", png)), want);
  const rgb = new Uint8Array(side * side * 3);
  raw.forEach((v, k) => rgb.set([v, v, v], 3 * k));
  const colour = encodePng({ width: side, height: side, data: rgb, channels: 3 });
  assert.deepEqual(uciBlocksFromImage(decodeImage("c.png", colour)), want);
});

Deno.test("training (decodeImage + uciBlocksFromImage) and the client library (readDigitImage) read PNG and PGM files alike", async () => {
  const dir = await Deno.makeTempDir();
  try {
    for (
      const [i, up, dark] of [[0, 1, false], [7, 1, true], [11, 3, true], [20, 4, false]] as const
    ) {
      const { png, raw, side } = await digitPng(i, up, dark);
      const pgm = new Uint8Array([...new TextEncoder().encode(`P5 ${side} ${side} 255\n`), ...raw]);
      for (const [name, bytes] of [[`${i}.png`, png], [`${i}.pgm`, pgm]] as const) {
        await Deno.writeFile(`${dir}/${name}`, bytes);
        assert.deepEqual(
          uciBlocksFromImage(decodeImage(name, bytes)),
          await readDigitImage(`${dir}/${name}`),
          name,
        );
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
