import assert from "node:assert/strict";
import { initTf } from "../../lib/tfjs/runtime.ts";
import {
  CalibrationError,
  type PrivateHeadOptions,
  secureRandom,
  seededRandom,
  trainPrivateHead,
} from "../../lib/dp-training/mod.ts";
import { tinyHeadOptions } from "./synthetic.ts";

await initTf();

function tinyRun(seed: string, overrides: Partial<PrivateHeadOptions> = {}) {
  return trainPrivateHead(tinyHeadOptions(seed, overrides));
}

Deno.test("the same seed reproduces the same model bit for bit; another seed does not", () => {
  const a = tinyRun("7"), b = tinyRun("7"), c = tinyRun("8");
  assert.deepEqual(new Uint8Array(a.head.params.buffer), new Uint8Array(b.head.params.buffer));
  assert.equal(JSON.stringify(a.model), JSON.stringify(b.model));
  assert.notEqual(JSON.stringify(a.model), JSON.stringify(c.model));
  assert.ok(a.epsilon! <= 8 && a.epsilon! > 7, `epsilon ${a.epsilon}`);
  assert.ok(a.noiseMultiplier > 0);
});

Deno.test("DP noise is really added: only the noise source differs, and the models differ", () => {
  const a = tinyRun("7", { noiseRandom: seededRandom("n1") });
  const b = tinyRun("7", { noiseRandom: seededRandom("n2") });
  assert.notEqual(JSON.stringify(a.model), JSON.stringify(b.model));
});

Deno.test("by default sampling and noise are secret: crypto.getRandomValues, never the same twice", () => {
  const a = tinyRun("7", { noiseRandom: undefined });
  const b = tinyRun("7", { noiseRandom: undefined });
  assert.equal(a.noiseSource, "crypto");
  assert.notEqual(JSON.stringify(a.model), JSON.stringify(b.model));
  assert.equal(a.quantizedFloatAccuracy, a.testAccuracy.quantized, "float sim must match integers");
  assert.equal(tinyRun("7", { noiseRandom: secureRandom() }).noiseSource, "crypto");
});

Deno.test("seeded noise is only what the caller asks for, and is reported as seeded", () => {
  assert.equal(tinyRun("7").noiseSource, "seeded");
  assert.equal(tinyRun("7", { noiseRandom: seededRandom("x") }).noiseSource, "seeded");
  assert.equal(tinyRun("7", { privacy: null }).noiseSource, null, "no DP, no noise");
});

Deno.test("phase reports carry no clipped fraction or loss of the private training split", () => {
  const r = tinyRun("7");
  for (const p of r.phases) {
    assert.deepEqual(
      Object.keys(p).sort(),
      ["action", "epochs", "name", "privacy", "sparsity", "steps", "testAccuracy"],
    );
  }
});

Deno.test("train: a target epsilon no sigma can reach within the epoch budget is a clear error", () => {
  const run = (targetEpsilon: number, epochs: number) =>
    trainPrivateHead(
      tinyHeadOptions(1, {
        privacy: { targetEpsilon, delta: 1e-5 },
        epochs,
        pruneSteps: undefined,
      }),
    );
  assert.throws(
    () => run(0.02, 50),
    (e: unknown) =>
      e instanceof CalibrationError &&
      /no noise multiplier in .* reaches epsilon 0.02/.test(e.message),
  );
  assert.throws(() => run(0, 5), /target epsilon > 0, received 0/);
  assert.throws(() => run(Number.NaN, 5), /target epsilon > 0/);
});
