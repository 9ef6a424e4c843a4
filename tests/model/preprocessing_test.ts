import assert from "node:assert/strict";
import { ModelFormatError, parseModel, type QuantizedModel } from "../../lib/model/mod.ts";

const ID = "sha256:" + "ab".repeat(32);

function model(preprocessing: unknown): unknown {
  const head: QuantizedModel = {
    format: "faster-cryptonets.quantized-model",
    version: 1,
    name: "t",
    input: { shape: [2], min: -7, max: 7, scale_log2: 1 },
    layers: [{
      type: "dense",
      units: 2,
      weights: { kind: "int", shape: [2, 2], values: [1, 0, 0, 1], scale_log2: 0 },
    }],
  };
  return { ...head, preprocessing };
}

const good = () => ({
  extractor: { id: ID, name: "x", feature_layer: "features", source: "models/x" },
  image: { height: 28, width: 28, channels: 1, resize: "bilinear", scale: 1 / 255, offset: 0 },
  reduction: {
    kind: "pca",
    input_dim: 3,
    output_dim: 2,
    mean: [0, 0, 0],
    matrix: [1, 0, 0, 0, 1, 0],
    source: "public",
  },
});

Deno.test("parseModel: a preprocessing block round-trips", () => {
  const m = parseModel(JSON.parse(JSON.stringify(model(good()))));
  assert.deepEqual(m.preprocessing, good());
  assert.ok(parseModel(model({ extractor: { id: ID, feature_layer: "f" } })));
});

const cases: [string, (b: ReturnType<typeof good>) => unknown, RegExp][] = [
  [
    "bad id",
    (b) => ({ ...b, extractor: { ...b.extractor, id: "md5:1" } }),
    /extractor\.id: expected "sha256:"/,
  ],
  ["no layer", (b) => ({ ...b, extractor: { id: ID } }), /extractor\.feature_layer/],
  [
    "resize",
    (b) => ({ ...b, image: { ...b.image, resize: "cubic" } }),
    /image\.resize: expected bilinear or nearest, received "cubic"/,
  ],
  [
    "channels",
    (b) => ({ ...b, image: { ...b.image, channels: 2 } }),
    /image\.channels: expected 1 or 3/,
  ],
  [
    "std",
    (b) => ({ ...b, image: { ...b.image, std: [0] } }),
    /image\.std\[0\]: expected a number > 0/,
  ],
  [
    "width",
    (b) => ({ ...b, reduction: { ...b.reduction, output_dim: 3, matrix: new Array(9).fill(0) } }),
    /reduction\.output_dim: expected the head's input width 2, received 3/,
  ],
  [
    "matrix",
    (b) => ({ ...b, reduction: { ...b.reduction, matrix: [1] } }),
    /reduction\.matrix: expected an array of 6 numbers/,
  ],
  ["source", (b) => ({ ...b, reduction: { ...b.reduction, source: "" } }), /reduction\.source/],
];
for (const [name, edit, message] of cases) {
  Deno.test(`parseModel: preprocessing ${name} is refused, naming the field`, () => {
    assert.throws(
      () => parseModel(model(edit(good()))),
      (e: unknown) => e instanceof ModelFormatError && message.test(e.message),
    );
  });
}
