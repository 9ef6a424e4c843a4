import assert from "node:assert/strict";
import { planConformance } from "./conformance.ts";
import { randomHead, randomInputs } from "../../fixtures/random_model.ts";
import { compileModel, evaluatePlain, PLANS } from "../../../lib/he-head/mod.ts";
import { openPlanClient } from "../../../lib/he-head/client.ts";
import { preparePlanServer } from "../../../lib/he-head/server.ts";
import { wideBudgetBits } from "../../../lib/he-head/schemes/bfv/wide_budget.ts";

/** A head with the demo head's statistics: 50% pruned, weights 2^-4..2^-1, inputs 0..15. */
function wideHead(seed: number, d: number, hidden: number, classes = 10) {
  return randomHead(seed, d, hidden, classes, { sparsity: 0.5, minExp: -4, maxExp: -1 });
}

Deno.test("bfv_wide conforms to the plan interface (d = 128, hidden 32)", async (t) => {
  await planConformance(t, "bfv_wide", { model: wideHead(41, 128, 32), queries: 2, rounds: 3 });
});

Deno.test("bfv_wide conforms on a linear head", async (t) => {
  const model = wideHead(42, 64, 10, 10);
  model.layers = model.layers.slice(0, 2);
  await planConformance(t, "bfv_wide", { model, queries: 2, rounds: 2 });
});

Deno.test("bfv_wide is exact at d = 1,024, hidden 128, and its budget beats the estimate", async () => {
  const net = compileModel(wideHead(43, 1024, 128));
  const spec = await PLANS.bfv_wide.plan(net);
  assert.ok(spec, "bfv_wide fits d = 1,024, hidden 128");
  const server = await preparePlanServer(spec, net);
  const client = await openPlanClient(spec);
  try {
    const keys = await server.unpackKeys((await client.evaluationKeys())!, { check: true });
    try {
      const x = randomInputs(9, 2, net.inputSize, net.inputMin, net.inputMax);
      const out = await server.evaluate(await client.encrypt(x, 2), keys, {
        signal: AbortSignal.timeout(600_000),
        maxBytes: 1 << 30,
      });
      const got = await client.decrypt(out.body, 2, { noiseBudget: true });
      assert.deepEqual(got.logits, evaluatePlain(net, x, 2));
      assert.ok((got.noiseBudgetBits ?? 0) > 0, `budget ${got.noiseBudgetBits}`);
      const p = spec.params;
      const logT = BigInt(p.plainModulus).toString(2).length;
      const data = p.coeffModulusBits.slice(0, -1).reduce((a, b) => a + b, 0);
      assert.ok(wideBudgetBits(data, logT, p.polyModulusDegree, true) > 0);
    } finally {
      keys.delete();
    }
  } finally {
    client.close();
    server.close();
  }
});
