import assert from "node:assert/strict";
import { HeadClient } from "../../../lib/client/mod.ts";
import { evaluatePlain } from "../../../lib/he-head/engine/plain.ts";
import { compileModel, readModel } from "../../../lib/model/mod.ts";
import { PATHS } from "../../../lib/protocol/api.ts";
import { randomInputs } from "../../fixtures/random_model.ts";
import { testApp } from "../../functions/helpers.ts";

Deno.test("bfv-packed through the app and the real client on the demo head: one Galois key, 16 exact queries, the planner's choice", async () => {
  const model = await readModel("models/head/uci_digits.json");
  const t = await testApp({}, model);
  try {
    const client = await HeadClient.connect("http://fcn.test", { fetch: t.fetch });
    const plan = client.plan("bfv-packed");
    assert.equal(plan.exact, true);
    assert.deepEqual(plan.galois_steps, [1]);
    assert.equal(plan.needs_relin_keys, false);
    assert.equal(client.choosePlan(1).plan, plan.name);
    const choice = await (await t.app.request(`${PATHS.plan}?queries=1`)).json();
    assert.equal(choice.plan, plan.name);
    assert.equal(choice.exact, true);
    const net = compileModel(model);
    const n = 16;
    const x = randomInputs(11, n, net.inputSize, net.inputMin, net.inputMax);
    using session = await client.session("bfv-packed");
    assert.ok(session.keyBytes > 0 && session.keyBytes < 200_000, `${session.keyBytes} key bytes`);
    const r = await session.classify(x, n);
    assert.equal(r.exact, true);
    assert.deepEqual(r.logits, evaluatePlain(net, x, n));
  } finally {
    t.close();
  }
});
