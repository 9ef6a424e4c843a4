import assert from "node:assert/strict";
import { compileModel, ModelFormatError, parseModel } from "../../lib/he-head/model/mod.ts";

Deno.test("a tiny model parses and compiles", () => {
  const model = parseModel({
    format: "faster-cryptonets.quantized-model",
    version: 1,
    name: "tiny",
    input: { shape: [2], min: 0, max: 3, scale_log2: 0 },
    layers: [{
      type: "dense",
      units: 1,
      weights: { kind: "pow2", shape: [2, 1], sign: [1, -1], exponent: [0, 1], scale_log2: 0 },
    }],
  });
  const net = compileModel(model);
  assert.equal(net.outputSize, 1);
});

Deno.test("a bad sign is refused naming the layer and field", () => {
  assert.throws(() =>
    parseModel({
      format: "faster-cryptonets.quantized-model",
      version: 1,
      name: "tiny",
      input: { shape: [2], min: 0, max: 3, scale_log2: 0 },
      layers: [{
        type: "dense",
        units: 1,
        weights: { kind: "pow2", shape: [2, 1], sign: [2, -1], exponent: [0, 1], scale_log2: 0 },
      }],
    }), (e) => e instanceof ModelFormatError && e.layer === 0 && /sign\[0\]/.test(e.message));
});
