import assert from "node:assert/strict";
import {
  batchingPrimes,
  compileModel,
  evaluatePlain,
  selectParameters,
} from "../../../lib/he-head/mod.ts";
import { ModulusPool } from "../../../experiments/mnist/parallel/modulus_pool.ts";
import { randomHead, randomInputs } from "../../fixtures/random_model.ts";

Deno.test("the moduli of a CRT plan run in parallel workers and recombine exactly", async () => {
  const model = randomHead(21, 6, 4, 3);
  const net = compileModel(model);
  for (const encoding of ["simd", "poly"] as const) {
    // Two moduli of about the selected size, so the recombination is exercised.
    const { params } = selectParameters(net, { encoding, batchSize: 5 });
    const bits = BigInt(params.plainModuli[0]).toString(2).length;
    const multi = {
      ...params,
      plainModuli: batchingPrimes(params.polyModulusDegree, bits + 1, 2).map(String),
    };
    using pool = new ModulusPool(2);
    const count = encoding === "poly" ? 1 : 5;
    const x = randomInputs(3, count, net.inputSize, net.inputMin, net.inputMax);
    const r = await pool.evaluate(model, multi, x, count);
    assert.deepEqual(r.logits, evaluatePlain(net, x, count));
    assert.equal(r.moduli.length, 2);
    for (const m of r.moduli) assert.ok(m.noiseBits >= m.estimatedNoiseBits && m.noiseBits > 0);
  }
});
