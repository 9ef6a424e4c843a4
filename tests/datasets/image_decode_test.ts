import assert from "node:assert/strict";
import { encode as encodePng } from "fast-png";
import jpeg from "jpeg-js";
import { DataError, decodeImage } from "../../lib/datasets/mod.ts";

const isDataError = (path: string, message: RegExp) => (e: unknown) =>
  e instanceof DataError && e.path === path && e.message.startsWith(`${path}: `) &&
  message.test(e.message);

Deno.test("decodeImage: PNG grey, 16-bit, 1-bit, RGB, grey+alpha, RGBA and palette", () => {
  const grey = encodePng({ width: 3, height: 1, data: new Uint8Array([0, 128, 255]), channels: 1 });
  assert.deepEqual(decodeImage("g.png", grey), {
    width: 3,
    height: 1,
    channels: 1,
    pixels: new Float32Array([0, 128, 255]),
  });
  const wide = encodePng({
    width: 2,
    height: 1,
    data: new Uint16Array([0, 65535]),
    depth: 16,
    channels: 1,
  });
  assert.deepEqual(Array.from(decodeImage("w.png", wide).pixels), [0, 255]);
  // 1-bit rows are padded to a byte: 10 pixels take 2 bytes per row.
  const bits = encodePng({
    width: 10,
    height: 2,
    data: new Uint8Array([0b10100000, 0b01000000, 0b11111111, 0b11000000]),
    depth: 1,
    channels: 1,
  });
  assert.deepEqual(
    Array.from(decodeImage("b.png", bits).pixels).map((v) => v / 255),
    [1, 0, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
  );
  const rgb = encodePng({ width: 1, height: 1, data: new Uint8Array([10, 20, 30]), channels: 3 });
  assert.deepEqual(decodeImage("c.png", rgb), {
    width: 1,
    height: 1,
    channels: 3,
    pixels: new Float32Array([10, 20, 30]),
  });
  // Transparent pixels are composited on white: a fully transparent black pixel is white.
  const ga = encodePng({ width: 2, height: 1, data: new Uint8Array([0, 0, 0, 255]), channels: 2 });
  assert.deepEqual(Array.from(decodeImage("ga.png", ga).pixels), [255, 0]);
  const rgba = encodePng({
    width: 1,
    height: 1,
    data: new Uint8Array([0, 0, 0, 51]), // 20% opaque black -> 80% white
    channels: 4,
  });
  assert.deepEqual(Array.from(decodeImage("a.png", rgba).pixels), [204, 204, 204]);
  const indexed = encodePng({
    width: 2,
    height: 1,
    data: new Uint8Array([0b00010000]),
    depth: 4,
    channels: 1,
    palette: [[255, 0, 0], [0, 0, 255]],
  });
  const pal = decodeImage("p.png", indexed);
  assert.equal(pal.channels, 3);
  assert.deepEqual(Array.from(pal.pixels), [0, 0, 255, 255, 0, 0]);
});

Deno.test("decodeImage: JPEG colour keeps 3 channels, a grey JPEG gives 1", () => {
  const data = new Uint8Array(16 * 16 * 4);
  for (let i = 0; i < 256; i++) data.set([200, 40, 40, 255], 4 * i);
  const colour = decodeImage("red.jpg", jpeg.encode({ width: 16, height: 16, data }, 95).data);
  assert.equal(colour.channels, 3);
  assert.equal(colour.width, 16);
  assert.ok(Math.abs(colour.pixels[0] - 200) < 8 && Math.abs(colour.pixels[1] - 40) < 8);
  for (let i = 0; i < 256; i++) data.set([90, 90, 90, 255], 4 * i);
  const grey = decodeImage("grey.jpg", jpeg.encode({ width: 16, height: 16, data }, 95).data);
  assert.equal(grey.channels, 1);
  assert.equal(grey.pixels.length, 256);
  assert.ok(Math.abs(grey.pixels[100] - 90) < 3);
});

Deno.test("decodeImage: PGM P2 with comments, P5 8-bit and 16-bit", () => {
  const p2 = new TextEncoder().encode("P2\n# a comment\n3 2\n# another\n15\n0 15 3\n4 5 6\n");
  assert.deepEqual(decodeImage("a.pgm", p2), {
    width: 3,
    height: 2,
    channels: 1,
    pixels: new Float32Array([0, 255, 51, 68, 85, 102]),
  });
  const head = new TextEncoder().encode("P5 2 1 255\n");
  const p5 = new Uint8Array([...head, 7, 250]);
  assert.deepEqual(Array.from(decodeImage("b.pgm", p5).pixels), [7, 250]);
  const head16 = new TextEncoder().encode("P5\n2 1\n65535\n");
  const p5w = new Uint8Array([...head16, 0xff, 0xff, 0x00, 0x00]);
  assert.deepEqual(Array.from(decodeImage("c.pgm", p5w).pixels), [255, 0]);
});

Deno.test("decodeImage: unknown, corrupt and truncated files are DataErrors naming the file", () => {
  assert.throws(
    () => decodeImage("dir/x.png", new TextEncoder().encode("hello world")),
    isDataError(
      "dir/x.png",
      /expected a PNG, JPEG or PGM image, received 11 bytes starting "hello wo"/,
    ),
  );
  assert.throws(
    () => decodeImage("empty.png", new Uint8Array()),
    isDataError("empty.png", /received 0 bytes/),
  );
  const png = encodePng({ width: 8, height: 8, data: new Uint8Array(64).fill(9), channels: 1 });
  assert.throws(
    () => decodeImage("cut.png", png.subarray(0, png.length - 20)),
    isDataError("cut.png", /expected a readable PNG image, received a corrupt or truncated file/),
  );
  const flipped = png.slice();
  flipped[40] ^= 0xff; // breaks a chunk's CRC
  assert.throws(
    () => decodeImage("crc.png", flipped),
    isDataError("crc.png", /corrupt or truncated/),
  );
  const data = new Uint8Array(16 * 16 * 4).fill(128);
  const jpg = jpeg.encode({ width: 16, height: 16, data }, 90).data;
  assert.throws(
    () => decodeImage("cut.jpg", jpg.subarray(0, 200)),
    isDataError("cut.jpg", /expected a readable JPEG image, received a corrupt or truncated file/),
  );
  assert.throws(
    () =>
      decodeImage("short.pgm", new Uint8Array([...new TextEncoder().encode("P5 4 4 255\n"), 1, 2])),
    isDataError("short.pgm", /expected 16 PGM pixels, received 2/),
  );
  assert.throws(
    () => decodeImage("bad.pgm", new TextEncoder().encode("P2 2 1 15\n3 99\n")),
    isDataError("bad.pgm", /pixel 1: expected an integer in \[0, 15\], received 99/),
  );
  assert.throws(
    () => decodeImage("head.pgm", new TextEncoder().encode("P5 two 1 255\n")),
    isDataError("head.pgm", /expected a PGM header/),
  );
  assert.throws(
    () => decodeImage("huge.pgm", new TextEncoder().encode("P5 100000 100000 255\n")),
    isDataError("huge.pgm", /expected an image of 1 to 67108864 pixels, received 100000 x 100000/),
  );
});
