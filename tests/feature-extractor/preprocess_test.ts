import assert from "node:assert/strict";
import { ExtractorError, preprocess } from "../../lib/feature-extractor/mod.ts";
import { initTf, tf } from "../../lib/tfjs/runtime.ts";
import type { ImagePreprocessing } from "../../lib/model/mod.ts";

const spec = (o: Partial<ImagePreprocessing>): ImagePreprocessing => ({
  height: 4,
  width: 4,
  channels: 1,
  resize: "bilinear",
  scale: 1,
  offset: 0,
  ...o,
});

function randomImage(w: number, h: number, c: number, seed: number) {
  let s = seed;
  const pixels = Float32Array.from(
    { length: w * h * c },
    () => (s = (s * 16807) % 2147483647) % 256,
  );
  return { width: w, height: h, channels: c, pixels };
}

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number) => {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) {
    assert.ok(Math.abs(a[i] - b[i]) <= tol, `index ${i}: ${a[i]} vs ${b[i]}`);
  }
};

Deno.test("preprocess: same size is scale and offset only", () => {
  const im = randomImage(4, 4, 1, 7);
  const x = preprocess(im, spec({ scale: 2 / 255, offset: -1 }));
  close(x, Array.from(im.pixels, (v) => v * 2 / 255 - 1), 1e-6);
});

for (
  const [rule, tfResize] of [
    [
      "bilinear",
      (t: tf.Tensor3D, s: [number, number]) => tf.image.resizeBilinear(t, s, false, true),
    ],
    [
      "nearest",
      (t: tf.Tensor3D, s: [number, number]) => tf.image.resizeNearestNeighbor(t, s, false, true),
    ],
  ] as const
) {
  Deno.test(`preprocess: ${rule} resize equals TensorFlow's (half-pixel centres), up and down`, async () => {
    await initTf();
    for (
      const [w, h, ow, oh] of [[7, 5, 28, 28], [64, 48, 28, 28], [28, 28, 64, 64], [3, 9, 4, 11]]
    ) {
      const im = randomImage(w, h, 3, w * 100 + h);
      const want = tf.tidy(() =>
        tfResize(tf.tensor3d(im.pixels, [h, w, 3]), [oh, ow]).dataSync() as Float32Array
      );
      const got = preprocess(im, spec({ height: oh, width: ow, channels: 3, resize: rule }));
      close(got, want, 1e-3);
    }
  });
}

Deno.test("preprocess: colour to grey by luma, alpha on white, grey to colour repeated", () => {
  const rgb = { width: 1, height: 1, channels: 3, pixels: [200, 100, 50] };
  close(
    preprocess(rgb, spec({ height: 1, width: 1 })),
    [0.299 * 200 + 0.587 * 100 + 0.114 * 50],
    1e-4,
  );
  const rgba = { width: 1, height: 1, channels: 4, pixels: [0, 0, 0, 51] }; // 20% black on white
  close(preprocess(rgba, spec({ height: 1, width: 1 })), [255 * 0.8], 1e-3);
  const grey = { width: 1, height: 1, channels: 1, pixels: [9] };
  close(preprocess(grey, spec({ height: 1, width: 1, channels: 3 })), [9, 9, 9], 0);
});

Deno.test("preprocess: per-channel mean and std after scaling", () => {
  const im = { width: 1, height: 1, channels: 3, pixels: [255, 0, 51] };
  const x = preprocess(
    im,
    spec({
      height: 1,
      width: 1,
      channels: 3,
      scale: 1 / 255,
      mean: [0.5, 0.5, 0.5],
      std: [0.5, 0.25, 2],
    }),
  );
  close(x, [1, -2, (0.2 - 0.5) / 2], 1e-6);
});

Deno.test("preprocess: an image whose values disagree with its size is refused, naming both", () => {
  assert.throws(
    () => preprocess({ width: 2, height: 2, channels: 1, pixels: [1, 2, 3] }, spec({})),
    (e: unknown) =>
      e instanceof ExtractorError &&
      /2 x 2 pixels .* received 1 channels and 3 values/.test(e.message),
  );
  assert.throws(
    () => preprocess({ width: 1, height: 1, channels: 2, pixels: [1, 2] }, spec({})),
    ExtractorError,
  );
});
