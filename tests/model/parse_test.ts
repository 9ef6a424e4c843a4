import assert from "node:assert/strict";
import {
  compileModel,
  ModelFormatError,
  parseModel,
  parseModelJson,
  readModel,
  writeModel,
} from "../../lib/model/mod.ts";
import { randomConvNet, randomHead } from "../fixtures/random_model.ts";

// deno-lint-ignore no-explicit-any
type Mutable = any;

function refused(
  mutate: (m: Mutable) => void,
  field: RegExp,
  message: RegExp,
  base = randomHead(1),
) {
  const m: Mutable = structuredClone(base);
  mutate(m);
  assert.throws(
    () => parseModel(m),
    (e) => e instanceof ModelFormatError && field.test(e.field) && message.test(e.message),
    `expected ${field} / ${message}`,
  );
}

Deno.test("valid models parse, compile and round-trip through files", async () => {
  for (const m of [randomHead(1), randomConvNet(2), randomHead(3, 4, 2, 2, { maxInt: 9 })]) {
    const net = compileModel(parseModel(m));
    assert.ok(net.ops.length > 0);
    const path = await Deno.makeTempFile({ suffix: ".json" });
    await writeModel(path, m);
    assert.deepEqual(await readModel(path), JSON.parse(JSON.stringify(m)));
    await Deno.remove(path);
  }
});

Deno.test("malformed documents are refused naming the field, what was expected and received", () => {
  refused(
    (m) => (m.format = "onnx"),
    /^model\.format$/,
    /expected "faster-cryptonets\.quantized-model", received the string "onnx"/,
  );
  refused((m) => (m.version = 2), /^model\.version$/, /expected version 1, received number 2/);
  refused((m) => delete m.name, /^model\.name$/, /expected a string, received undefined/);
  refused((m) => (m.input.shape = [0]), /^model\.input\.shape\[0\]$/, /expected an integer in \[1/);
  refused((m) => (m.input.min = 20), /^model\.input\.max$/, /expected max >= min/);
  refused((m) => (m.layers = []), /^model\.layers$/, /at least one layer/);
  refused(
    (m) => (m.layers[0].type = "lstm"),
    /^model\.layers\[0\]\.type$/,
    /expected one of dense, conv2d/,
  );
  refused(
    (m) => (m.layers[0].weights.sign[3] = 2),
    /^model\.layers\[0\]\.weights\.sign\[3\]$/,
    /expected -1, 0 or 1, received number 2/,
  );
  refused(
    (m) => m.layers[0].weights.exponent.pop(),
    /^model\.layers\[0\]\.weights\.exponent$/,
    /expected \d+ entries, received \d+/,
  );
  refused((m) => (m.layers[0].weights.kind = "fp16"), /weights\.kind$/, /expected "pow2" or "int"/);
  refused(
    (m) => {
      m.layers[0].weights.sign[0] = 1;
      m.layers[0].weights.exponent[0] = -40;
    },
    /weights\.exponent\[0\]$/,
    /exponent \+ scale_log2 in \[0, 62\]/,
  );
  refused(
    (m) => (m.input.shape = [5]),
    /^model\.layers\[0\]\.weights\.shape$/,
    /expected shape \[5,4\], received \[6,4\]/,
  );
  refused(
    (m) => (m.layers[1].scale_log2 += 1),
    /^model\.layers\[1\]\.scale_log2$/,
    /expected the running scale \d+, received \d+/,
  );
  refused(
    (m) => m.layers[1].values.pop(),
    /^model\.layers\[1\]\.values$/,
    /expected 4 values \(one per channel\), received 3/,
  );
  refused(
    (m) => (m.layers[1].values[0] = "12x"),
    /^model\.layers\[1\]\.values\[0\]$/,
    /expected an integer/,
  );
  refused(
    (m) => (m.layers[2].coefficients = [{ m: 1, e: 0 }]),
    /coefficients$/,
    /between 2 and 9 coefficients/,
  );
  refused(
    (m) => (m.layers[2].coefficients[2].m = 0),
    /coefficients\[2\]$/,
    /leading coefficient to be nonzero/,
  );
  refused((m) => (m.classes = ["a", "b"]), /^model\.classes$/, /expected 3 labels/);
  refused(
    (m) =>
      m.layers.splice(0, 0, { type: "flatten" }, {
        type: "conv2d",
        filters: 1,
        kernel: [1, 1],
        strides: [1, 1],
        padding: "valid",
        weights: { kind: "int", shape: [1, 1, 6, 1], values: [1, 1, 1, 1, 1, 1], scale_log2: 0 },
      }),
    /^model\.layers\[1\]\.type$/,
    /conv2d expects an \[h, w, c\] input, received \[6\]/,
  );
  refused((m) => (m.layers[4].type = "average_pool"), /^model\.layers\[4\]\./, /./);
  refused(
    (m) => {
      m.input.scale_log2 = -9;
      m.layers[1].scale_log2 -= 10;
    },
    /^model\.layers\[2\]\.type$/,
    /non-negative running scale/,
  );
});

Deno.test("conv nets: windows that do not fit, non-power-of-two averages, missing flatten", () => {
  const conv = randomConvNet(3);
  refused(
    (m) => (m.layers[0].kernel = [9, 9]),
    /^model\.layers\[0\]\.weights\.shape$|^model\.layers\[0\]\.kernel$/,
    /./,
    conv,
  );
  refused(
    (m) => {
      m.layers[0].padding = "valid";
      m.layers[0].kernel = [7, 3];
    },
    /^model\.layers\[0\]\.kernel$/,
    /does not fit the input/,
    conv,
  );
  refused(
    (m) => {
      m.layers[3].type = "average_pool";
      m.layers[3].pool = [3, 2];
    },
    /^model\.layers\[3\]\.pool$/,
    /power-of-two size/,
    conv,
  );
  refused(
    (m) => m.layers.splice(4, 1),
    /^model\.layers\[4\]\.type$/,
    /dense expects a 1-D input/,
    conv,
  );
  refused(
    (m) => (m.layers[0].padding = "full"),
    /^model\.layers\[0\]\.padding$/,
    /expected "valid", "same"/,
    conv,
  );
});

Deno.test("JSON that does not parse is a ModelFormatError too", () => {
  assert.throws(
    () => parseModelJson("{ nope"),
    (e) => e instanceof ModelFormatError && /expected JSON/.test(e.message),
  );
});

Deno.test("a privacy block must say where its noise came from: crypto or seeded", () => {
  const claim = { epsilon: 3, delta: 1e-5, accountant: "rdp" };
  const withPrivacy = (privacy: unknown): Mutable => ({ ...randomHead(1), metadata: { privacy } });
  for (const noise_source of ["crypto", "seeded"]) {
    const m = parseModel(withPrivacy({ ...claim, noise_source, not_covered: ["x"] }));
    assert.equal(m.metadata!.privacy!.noise_source, noise_source);
  }
  assert.equal(parseModel({ ...randomHead(1), metadata: {} }).metadata!.privacy, undefined);
  const field = /^model\.metadata\.privacy\.noise_source$/;
  refused(
    (m) => (m.metadata = { privacy: claim }),
    field,
    /expected "crypto" or "seeded" \(where the DP noise came from\), received nothing/,
  );
  refused(
    (m) => (m.metadata = { privacy: { ...claim, noise_source: "secure" } }),
    field,
    /expected "crypto" or "seeded" .*, received the string "secure"/,
  );
  refused(
    (m) => (m.metadata = { privacy: { ...claim, noise_source: true } }),
    field,
    /received boolean true/,
  );
  refused(
    (m) => (m.metadata = { privacy: null }),
    /^model\.metadata\.privacy$/,
    /expected an object, received null/,
  );
  refused(
    (m) => (m.metadata = { privacy: { ...claim, epsilon: 0, noise_source: "crypto" } }),
    /^model\.metadata\.privacy\.epsilon$/,
    /expected a finite number > 0, received number 0/,
  );
  refused(
    (m) => (m.metadata = { privacy: { ...claim, delta: 1, noise_source: "crypto" } }),
    /^model\.metadata\.privacy\.delta$/,
    /expected a number in \[0, 1\), received number 1/,
  );
  refused(
    (m) => (m.metadata = { privacy: { ...claim, noise_source: "crypto", not_covered: [""] } }),
    /^model\.metadata\.privacy\.not_covered\[0\]$/,
    /expected a non-empty string/,
  );
  refused(
    (m) => (m.metadata = { privacy: { ...claim, noise_source: "crypto", not_covered: "all" } }),
    /^model\.metadata\.privacy\.not_covered$/,
    /expected an array/,
  );
});
