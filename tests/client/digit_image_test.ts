import assert from "node:assert/strict";
import { encode } from "fast-png";
import { ImageFormatError, readDigitImage } from "../../lib/client/mod.ts";

async function temp(name: string, bytes: Uint8Array | string): Promise<string> {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/${name}`;
  if (typeof bytes === "string") await Deno.writeTextFile(path, bytes);
  else await Deno.writeFile(path, bytes);
  return path;
}

/** A 28 x 28 "1": a vertical bar. */
function bar(ink: number, paper: number): Uint8Array {
  const img = new Uint8Array(28 * 28).fill(paper);
  for (let y = 4; y < 24; y++) for (let x = 12; x < 16; x++) img[y * 28 + x] = ink;
  return img;
}

Deno.test("PNG, PGM and JSON digits become 64 UCI block counts, whatever the ink polarity", async () => {
  const dark = await readDigitImage(
    await temp(
      "a.png",
      encode({ width: 28, height: 28, data: bar(0, 255), channels: 1, depth: 8 }),
    ),
  );
  const light = await readDigitImage(
    await temp(
      "b.png",
      encode({ width: 28, height: 28, data: bar(255, 0), channels: 1, depth: 8 }),
    ),
  );
  assert.equal(dark.length, 64);
  assert.deepEqual(dark, light, "dark ink on white is inverted");
  assert.ok(dark.every((v) => v >= 0 && v <= 16) && dark.some((v) => v > 8));
  const pgm = `P2\n28 28\n255\n${Array.from(bar(255, 0)).join(" ")}\n`;
  assert.deepEqual(await readDigitImage(await temp("c.pgm", pgm)), dark);
  const small = Array.from({ length: 64 }, (_, i) => (i % 8 === 3 ? 16 : 0));
  assert.deepEqual(
    Array.from(await readDigitImage(await temp("d.json", JSON.stringify(small)))),
    small,
  );
});

Deno.test("unreadable images are refused with a clear error", async () => {
  await assert.rejects(
    readDigitImage(await temp("x.png", new Uint8Array([1, 2, 3]))),
    ImageFormatError,
  );
  await assert.rejects(
    readDigitImage(await temp("x.gif", new Uint8Array(4))),
    /\.png, \.pgm or \.json/,
  );
  await assert.rejects(
    readDigitImage(await temp("x.json", "[1, 2, 3]")),
    /expected 2 x 2 pixels, received 3/,
  );
  await assert.rejects(readDigitImage(await temp("x.pgm", "P7 nonsense")), /PGM header/);
  await assert.rejects(
    readDigitImage(await temp("y.json", JSON.stringify([1, 2, 3, 4]))),
    /at least 8 x 8/,
  );
});
