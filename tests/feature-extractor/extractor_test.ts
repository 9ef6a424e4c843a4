import assert from "node:assert/strict";
import { loadUciDigits } from "../../lib/datasets/mod.ts";
import {
  DEFAULT_EXTRACTOR_URL,
  ExtractorError,
  loadExtractor,
} from "../../lib/feature-extractor/mod.ts";

const { train, test } = await loadUciDigits();
const modelDir = new URL(".", DEFAULT_EXTRACTOR_URL);

async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Copies the committed extractor into a temporary folder, optionally editing the weights. */
async function copyExtractor(editWeights?: (w: Uint8Array) => Uint8Array): Promise<string> {
  const dir = await Deno.makeTempDir();
  await Deno.copyFile(new URL("model.json", modelDir), `${dir}/model.json`);
  const weights = await Deno.readFile(new URL("weights.bin", modelDir));
  await Deno.writeFile(`${dir}/weights.bin`, editWeights ? editWeights(weights) : weights);
  return dir;
}

Deno.test("the committed extractor loads offline; its id is the SHA-256 of its files", async () => {
  const extractor = await loadExtractor();
  try {
    const json = await Deno.readFile(new URL("model.json", modelDir));
    const weights = await Deno.readFile(new URL("weights.bin", modelDir));
    const both = new Uint8Array(json.length + weights.length);
    both.set(json);
    both.set(weights, json.length);
    assert.equal(extractor.id, `sha256:${await sha256Hex(both)}`);
    assert.ok(weights.length < 1_000_000, `weights are ${weights.length} bytes`);
    assert.deepEqual(extractor.inputShape, [8, 8, 1]);
    assert.equal(extractor.inputScale, 1 / 16);
    assert.ok(extractor.featureDim >= 32 && extractor.featureDim <= 64);
    const q = extractor.quantization!;
    assert.deepEqual(q.shape, [extractor.featureDim]);
    assert.equal(q.min, 0);
    assert.ok(q.max <= 63, "at most 6 bits per feature");
    assert.equal(extractor.metadata?.feature_layer, extractor.featureLayer);
  } finally {
    extractor.dispose();
  }
});

Deno.test("features are deterministic, bounded, and quantize into the spec's range", async () => {
  const a = await loadExtractor();
  const b = await loadExtractor(modelDir, { batchSize: 37 });
  try {
    const fa = a.extract(test.x, test.count);
    assert.equal(fa.length, test.count * a.featureDim);
    assert.deepEqual(a.extract(test.x, test.count), fa);
    const fb = b.extract(test.x, test.count);
    for (let i = 0; i < fa.length; i++) assert.ok(Math.abs(fa[i] - fb[i]) <= 1e-5);
    const [lo, hi] = a.metadata!.feature_bounds!;
    assert.ok(fa.every((v) => v >= lo && v <= hi));
    const q = a.extractQuantized(test.x, test.count);
    const spec = a.quantization!;
    assert.ok(q.every((v) => Number.isInteger(v) && v >= spec.min && v <= spec.max));
    // Not degenerate: the features use the range and are not all zero for any image.
    assert.ok(q.some((v) => v === spec.max) || q.some((v) => v >= spec.max / 2));
    for (let i = 0; i < test.count; i++) {
      assert.ok(q.subarray(i * a.featureDim, (i + 1) * a.featureDim).some((v) => v > 0));
    }
    assert.throws(() => a.extract(test.x.subarray(1), test.count), RangeError);
  } finally {
    a.dispose();
    b.dispose();
  }
});

Deno.test("quantized features separate the private digits (nearest class mean >= 95%; raw pixels: 90%)", async () => {
  const extractor = await loadExtractor();
  try {
    const d = extractor.featureDim;
    const qTrain = extractor.extractQuantized(train.x, train.count);
    const qTest = extractor.extractQuantized(test.x, test.count);
    const means = new Float64Array(10 * d);
    const counts = new Float64Array(10);
    for (let i = 0; i < train.count; i++) {
      counts[train.y[i]]++;
      for (let j = 0; j < d; j++) means[train.y[i] * d + j] += qTrain[i * d + j];
    }
    for (let c = 0; c < 10; c++) for (let j = 0; j < d; j++) means[c * d + j] /= counts[c];
    let correct = 0;
    for (let i = 0; i < test.count; i++) {
      let best = -1, bestDist = Infinity;
      for (let c = 0; c < 10; c++) {
        let dist = 0;
        for (let j = 0; j < d; j++) dist += (qTest[i * d + j] - means[c * d + j]) ** 2;
        if (dist < bestDist) [best, bestDist] = [c, dist];
      }
      if (best === test.y[i]) correct++;
    }
    assert.ok(correct / test.count >= 0.95, `nearest class mean: ${correct / test.count}`);
  } finally {
    extractor.dispose();
  }
});

Deno.test("the extractor id changes when one weight byte changes, not when the path does", async () => {
  const original = await loadExtractor();
  const sameDir = await copyExtractor();
  const editedDir = await copyExtractor((w) => {
    const copy = w.slice();
    copy[100] ^= 0x40;
    return copy;
  });
  try {
    const same = await loadExtractor(sameDir);
    const edited = await loadExtractor(`${editedDir}/model.json`);
    assert.equal(same.id, original.id);
    assert.notEqual(edited.id, original.id);
    assert.match(edited.id, /^sha256:[0-9a-f]{64}$/);
    same.dispose();
    edited.dispose();
  } finally {
    original.dispose();
    await Deno.remove(sameDir, { recursive: true });
    await Deno.remove(editedDir, { recursive: true });
  }
});

Deno.test("broken model files and unknown layers are refused with clear errors", async () => {
  const truncated = await copyExtractor((w) => w.subarray(0, w.length - 4));
  try {
    await assert.rejects(
      () => loadExtractor(truncated),
      (e) => e instanceof ExtractorError && /bytes of weights/.test(e.message),
    );
    await assert.rejects(
      () => loadExtractor(`${truncated}/missing`),
      (e) => e instanceof ExtractorError && /missing\/model\.json/.test(e.message),
    );
    await assert.rejects(
      () => loadExtractor(undefined, { featureLayer: "no_such_layer" }),
      (e) =>
        e instanceof ExtractorError && /no_such_layer/.test(e.message) &&
        /"features"/.test(e.message),
    );
  } finally {
    await Deno.remove(truncated, { recursive: true });
  }
});

Deno.test("another layer can be chosen by name; without a spec it cannot quantize", async () => {
  const extractor = await loadExtractor(undefined, { featureLayer: "flatten" });
  try {
    assert.equal(extractor.featureLayer, "flatten");
    assert.ok(extractor.featureDim > 48);
    assert.equal(extractor.quantization, undefined, "the shipped spec is for the shipped layer");
    assert.equal(extractor.extract(test.x.subarray(0, 64), 1).length, extractor.featureDim);
    assert.throws(
      () => extractor.extractQuantized(test.x.subarray(0, 64), 1),
      (e) => e instanceof ExtractorError && /deriveQuantization/.test(e.message),
    );
  } finally {
    extractor.dispose();
  }
});

Deno.test("a tfjs graph model is loaded from a path or over HTTP, feature node by name", async () => {
  // A hand-written two-node graph: features = relu(x @ w), x of shape [-1, 2], w of shape [2, 3].
  const dir = await Deno.makeTempDir();
  const modelJson = {
    format: "graph-model",
    generatedBy: "test fixture",
    convertedBy: null,
    modelTopology: {
      node: [
        {
          name: "x",
          op: "Placeholder",
          attr: {
            dtype: { type: "DT_FLOAT" },
            shape: { shape: { dim: [{ size: "-1" }, { size: "2" }] } },
          },
        },
        {
          name: "w",
          op: "Const",
          attr: {
            dtype: { type: "DT_FLOAT" },
            value: {
              tensor: {
                dtype: "DT_FLOAT",
                tensorShape: { dim: [{ size: "2" }, { size: "3" }] },
              },
            },
          },
        },
        {
          name: "mm",
          op: "MatMul",
          input: ["x", "w"],
          attr: { transpose_a: { b: false }, transpose_b: { b: false }, T: { type: "DT_FLOAT" } },
        },
        { name: "features", op: "Relu", input: ["mm"], attr: { T: { type: "DT_FLOAT" } } },
      ],
      library: {},
      versions: {},
    },
    weightsManifest: [{
      paths: ["weights.bin"],
      weights: [{ name: "w", shape: [2, 3], dtype: "float32" }],
    }],
  };
  await Deno.writeTextFile(`${dir}/model.json`, JSON.stringify(modelJson));
  const w = new Float32Array([1, -1, 2, 0.5, 1, -3]);
  await Deno.writeFile(`${dir}/weights.bin`, new Uint8Array(w.buffer));
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (req) => {
    const name = new URL(req.url).pathname.split("/").pop()!;
    try {
      return new Response(await Deno.readFile(`${dir}/${name}`));
    } catch {
      return new Response("not found", { status: 404 });
    }
  });
  try {
    const quantization = { shape: [3], min: 0, max: 7, scale_log2: 1 };
    const local = await loadExtractor(dir, { featureLayer: "features", quantization });
    const remote = await loadExtractor(
      `http://127.0.0.1:${server.addr.port}/m/model.json`,
      { featureLayer: "features", quantization },
    );
    try {
      assert.deepEqual(local.inputShape, [2]);
      assert.equal(local.featureDim, 3);
      const x = new Float32Array([1, 2, -1, 0]);
      // [1, 2] -> relu([2, 1, -4]) ; [-1, 0] -> relu([-1, 1, -2])
      assert.deepEqual(Array.from(local.extract(x, 2)), [2, 1, 0, 0, 1, 0]);
      assert.deepEqual(Array.from(local.extractQuantized(x, 2)), [4, 2, 0, 0, 2, 0]);
      assert.equal(remote.id, local.id);
      assert.deepEqual(remote.extract(x, 2), local.extract(x, 2));
      await assert.rejects(
        () => loadExtractor(`http://127.0.0.1:${server.addr.port}/m/absent.json`),
        (e) => e instanceof ExtractorError && /HTTP 200/.test(e.message) && /404/.test(e.message),
      );
    } finally {
      local.dispose();
      remote.dispose();
    }
  } finally {
    await server.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});
