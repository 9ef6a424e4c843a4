import assert from "node:assert/strict";
import {
  budgetAfterSwitch,
  compileModel,
  type Encoding,
  estimateNoise,
  evaluatePlain,
  freeResult,
  HeContext,
  parseModel,
  responsePrimesToDrop,
  selectParameters,
  switchDown,
} from "../../../../lib/he-head/mod.ts";
import {
  ClientKeys,
  decryptOutputs,
  encryptInputs,
  outputNoiseBudgets,
} from "../../../../lib/he-head/client.ts";
import { evaluateEncrypted, EvaluationKeys } from "../../../../lib/he-head/server.ts";
import type { QuantizedModel } from "../../../../lib/model/format.ts";
import { randomConvNet, randomHead, randomInputs } from "../../../fixtures/random_model.ts";

/** Encrypts, evaluates and decrypts; asserts bit-exact equality and a safe noise estimate. */
async function checkEncrypted(
  model: QuantizedModel,
  encoding: Encoding,
  count: number,
  seed: number,
) {
  parseModel(model);
  const net = compileModel(model);
  const choice = selectParameters(net, { encoding, batchSize: count });
  using ctx = await HeContext.create(choice.params);
  using keys = ClientKeys.generate(ctx);
  using evalKeys = EvaluationKeys.load(ctx, keys.evaluationKeys);
  const x = randomInputs(seed, count, net.inputSize, net.inputMin, net.inputMax);
  const inputs = encryptInputs(keys, x, count, net.inputSize);
  try {
    const result = evaluateEncrypted(ctx, net, inputs, evalKeys);
    try {
      const got = decryptOutputs(keys, result, count);
      assert.deepEqual(got, evaluatePlain(net, x, count), `${model.name} ${choice.name}`);
      const observed = Math.min(...outputNoiseBudgets(keys, result));
      const logT = Math.max(...ctx.moduli.map((m) => m.t.toString(2).length));
      const estimated = estimateNoise(net, encoding, ctx.degree, logT).outputBits;
      if (Number.isFinite(observed)) {
        assert.ok(
          observed >= estimated,
          `${choice.name}: observed budget ${observed} < estimate ${estimated}`,
        );
        assert.ok(observed > 0);
        // Shrink the response as the server does; it must still decrypt exactly.
        const drop = responsePrimesToDrop(ctx.params, estimated);
        switchDown(ctx, result.ciphertexts, drop);
        assert.deepEqual(
          decryptOutputs(keys, result, count),
          evaluatePlain(net, x, count),
          `drop ${drop}`,
        );
        const after = Math.min(...outputNoiseBudgets(keys, result));
        assert.ok(
          after >= budgetAfterSwitch(ctx.params, estimated, drop),
          `switched budget ${after}`,
        );
      }
      return { choice, hops: result.hops };
    } finally {
      freeResult(result);
    }
  } finally {
    inputs.flat().forEach((c) => c.delete());
  }
}

for (const encoding of ["poly", "simd"] as const) {
  const batch = encoding === "poly" ? 1 : 9;

  Deno.test(`BFV ${encoding}: random heads equal the integer reference bit for bit`, async () => {
    for (let seed = 1; seed <= 6; seed++) {
      await checkEncrypted(randomHead(seed, 6, 4, 3), encoding, batch, seed);
    }
  });

  Deno.test(`BFV ${encoding}: negative exponents, all-zero rows, signed inputs, fully pruned layer`, async () => {
    await checkEncrypted(randomHead(31, 5, 3, 3, { minExp: -5, maxExp: -1 }), encoding, batch, 1);
    await checkEncrypted(randomHead(32, 5, 3, 3, { zeroRow: true }), encoding, batch, 2);
    await checkEncrypted(
      randomHead(33, 5, 3, 3, { inputMin: -7, inputMax: 7 }),
      encoding,
      batch,
      3,
    );
    // A fully pruned first layer makes every output a constant: nothing is encrypted at all.
    await checkEncrypted(randomHead(34, 5, 3, 3, { allZero: true }), encoding, batch, 4);
  });

  Deno.test(`BFV ${encoding}: integer (dense) weights and a cubic activation`, async () => {
    const { hops } = await checkEncrypted(
      randomHead(41, 5, 3, 2, { maxInt: 40 }),
      encoding,
      batch,
      5,
    );
    const dense = hops.reduce((a, l) => a + l.hops.plain_mul_dense, 0);
    if (encoding === "poly") assert.ok(dense > 0, "integer weights use dense plaintexts in poly");
    else assert.equal(dense, 0, "scalars are single-coefficient plaintexts in simd");
    const cubic = [{ m: 1, e: -3 }, { m: 1, e: -1 }, { m: 3, e: -3 }, { m: 1, e: -4 }];
    await checkEncrypted(randomHead(42, 4, 3, 2, { activation: cubic }), encoding, batch, 6);
  });

  Deno.test(`BFV ${encoding}: conv2d, square activation, sum and average pooling`, async () => {
    await checkEncrypted(randomConvNet(51, { strides: [2, 1] }), encoding, batch, 7);
    await checkEncrypted(
      randomConvNet(52, { average: true, padding: "valid" }),
      encoding,
      batch,
      8,
    );
  });
}
