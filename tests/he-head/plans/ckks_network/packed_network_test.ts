import assert from "node:assert/strict";
import {
  CkksContext,
  compileModel,
  evaluatePlain,
  PackedNetwork,
  packedNetworkParams,
  packedNetworkPlan,
} from "../../../../lib/he-head/mod.ts";
import { ClientKeys, decryptPacked, encryptPackedImage } from "../../../../lib/he-head/client.ts";
import { EvaluationKeys } from "../../../../lib/he-head/server.ts";
import { randomConvNet, randomHead, randomInputs } from "../../../fixtures/random_model.ts";

// One key per rotation amount (undefined), the plan's 24 MB budget, and one so small that
// rotations are composed of several keys and the conv layer's giant steps go both ways.
const BUDGETS = [undefined, 24e6, 9e6];

Deno.test("packed networks: conv nets as chained packed products, within a relative error bound", async () => {
  for (
    const [seed, o, budget] of [[61, {}], [62, {
      average: true,
      strides: [2, 1] as [number, number],
    }]].flatMap(([seed, o]) => BUDGETS.map((b) => [seed, o, b] as const))
  ) {
    const net = compileModel(randomConvNet(seed as number, o as Record<string, never>));
    const plan = packedNetworkPlan(net, 4096, 12, budget)!;
    assert.ok(plan, "a conv -> square -> pool -> dense network has a packed plan");
    using ctx = await CkksContext.create(packedNetworkParams(plan.levels));
    const pn = new PackedNetwork(ctx, plan);
    using keys = ClientKeys.generate(ctx, { relin: true, galoisSteps: plan.galoisSteps });
    const blobs = keys.evaluationKeys[0];
    if (budget) {
      assert.ok(blobs.relin!.length + blobs.galois!.length <= budget, `keys within ${budget} B`);
    }
    using ek = EvaluationKeys.load(ctx, keys.evaluationKeys);
    const x = randomInputs(seed as number, 4, net.inputSize, net.inputMin, net.inputMax);
    const want = evaluatePlain(net, x, 4);
    try {
      for (let q = 0; q < 4; q++) {
        const ct = encryptPackedImage(
          keys,
          x.subarray(q * net.inputSize, (q + 1) * net.inputSize),
          plan.inputUnit,
          plan.stages[0].period,
        );
        const { result, hops } = pn.evaluate(ct, ek.galois[0]!, ek.relin[0]!);
        const got = decryptPacked(keys, result, net.outputSize, plan.outputFactor);
        ct.delete();
        result.delete();
        assert.equal(hops.ct_ct_mul, 1, "one square for all units");
        const exact = want[q].map((v) => Number(v) * 2 ** -net.outputScale);
        const scale = Math.max(...exact.map(Math.abs));
        got.forEach((v, k) =>
          assert.ok(
            Math.abs(v - exact[k]) <= 1e-3 * scale + 1e-3,
            `seed ${seed}: ${v} vs ${exact[k]}`,
          )
        );
      }
    } finally {
      pn.delete();
    }
  }
  const cubic = randomHead(6, 4, 3, 2, {
    activation: [{ m: 1, e: 0 }, { m: 1, e: 0 }, { m: 1, e: 0 }, { m: 1, e: 0 }],
  });
  assert.equal(
    packedNetworkPlan(compileModel(cubic), 4096, 12),
    null,
    "degree 3 has no packed plan",
  );
});
