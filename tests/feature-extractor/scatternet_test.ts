import assert from "node:assert/strict";
import { loadMnist } from "../../lib/datasets/mod.ts";
import { extractorId, loadPipeline, scatterNetFiles } from "../../lib/feature-extractor/mod.ts";

const DIR = new URL("../../models/scatternet/", import.meta.url);

Deno.test("ScatterNet: the committed files are exactly what the builder writes (a stable id)", async () => {
  const { json, weights } = scatterNetFiles();
  const jsonBytes = new TextEncoder().encode(JSON.stringify(json));
  assert.deepEqual(jsonBytes, await Deno.readFile(new URL("model.json", DIR)));
  assert.deepEqual(weights, await Deno.readFile(new URL("weights.bin", DIR)));
  assert.equal(
    await extractorId([jsonBytes, weights]),
    "sha256:65aedc90372629bdbbf0f3dc0130ce1fff30156613ddc15697851ed336936432",
    "models/scatternet/README.md states this id",
  );
});

/** `[28, 28]` grey image `i` of public MNIST test, shifted right by `dx` pixels. */
function digit(x: Float32Array, i: number, dx = 0) {
  const pixels = new Float32Array(784);
  for (let r = 0; r < 28; r++) {
    for (let c = dx; c < 28; c++) pixels[r * 28 + c] = x[i * 784 + r * 28 + c - dx];
  }
  return { width: 28, height: 28, channels: 1, pixels };
}

const dist = (a: Float32Array, b: Float32Array) =>
  Math.sqrt(a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0));

Deno.test("ScatterNet: 81 x 7 x 7 coefficients; group-normalised per image; stable to a 1-pixel shift", async () => {
  const mnist = await loadMnist("test");
  const raw = await loadPipeline(DIR, { featureLayer: "scattering" });
  const norm = await loadPipeline(DIR); // the metadata's node: normalized
  try {
    assert.deepEqual([raw.featureDim, norm.featureDim, norm.featureLayer], [
      3969,
      3969,
      "normalized",
    ]);
    const images = [digit(mnist.x, 0), digit(mnist.x, 0, 1), digit(mnist.x, 1)];
    const f = norm.imageFeatures(images);
    const [a, shifted, other] = [0, 1, 2].map((k) => f.subarray(k * 3969, (k + 1) * 3969));
    // 27 groups of 3 channels over 7 x 7 positions: mean 0 and variance v / (v + 1e-5), where v
    // is the group's variance in the raw coefficients (group normalisation, epsilon 1e-5).
    const r = raw.imageFeatures(images.slice(0, 1));
    const group = (x: Float32Array, g: number) => {
      const v: number[] = [];
      for (let p = 0; p < 49; p++) for (let c = 0; c < 3; c++) v.push(x[p * 81 + g * 3 + c]);
      const mean = v.reduce((s, x) => s + x, 0) / v.length;
      return { mean, variance: v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length };
    };
    for (let g = 0; g < 27; g++) {
      const n = group(a, g), v = group(r, g).variance;
      assert.ok(Math.abs(n.mean) < 1e-4, `group ${g} mean ${n.mean}`);
      assert.ok(Math.abs(n.variance - v / (v + 1e-5)) < 2e-3, `group ${g}: ${n.variance} vs ${v}`);
    }
    // Translation stability (the point of the low-pass at scale 2^J): a 1-pixel shift moves the
    // features much less than another digit does.
    assert.ok(
      dist(a, shifted) < 0.35 * dist(a, other),
      `shift ${dist(a, shifted)} vs other digit ${dist(a, other)}`,
    );
    // Coefficients are moduli (order 1 and 2) or local means of a non-negative image: >= 0.
    assert.ok(raw.imageFeatures(images).every((v) => v >= 0));
  } finally {
    raw.dispose();
    norm.dispose();
  }
});
