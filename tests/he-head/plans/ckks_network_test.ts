import assert from "node:assert/strict";
import {
  compileModel,
  definitionOf,
  evaluatePlain,
  loadSeal,
  MissingKeysError,
  packKeys,
  PLANS,
  SERVED,
} from "../../../lib/he-head/mod.ts";
import { openPlanClient } from "../../../lib/he-head/client.ts";
import { preparePlanServer } from "../../../lib/he-head/server.ts";
import { randomConvNet, randomHead, randomInputs } from "../../fixtures/random_model.ts";

Deno.test("ckks_network: a conv net through the plan halves, within a relative error bound", async () => {
  const def = PLANS.ckks_network;
  const net = compileModel(randomConvNet(61));
  const spec = (await def.plan(net))!;
  assert.ok(spec, "a conv -> square -> pool -> dense network has a network plan");
  const back = def.fromDescription(def.describe(spec), spec.shape);
  assert.deepEqual(def.describe(back), def.describe(spec));
  assert.deepEqual(back.extra, spec.extra, "the encoding facts follow from shape and parameters");
  using client = await openPlanClient(back);
  using server = await preparePlanServer(spec, net);
  assert.ok(client.keygenMs > 0);
  using keys = await server.unpackKeys((await client.evaluationKeys())!, { check: true });
  const x = randomInputs(61, 3, net.inputSize, net.inputMin, net.inputMax);
  const want = evaluatePlain(net, x, 3);
  const out = await server.evaluate(await client.encrypt(x, 3), keys, {
    signal: AbortSignal.timeout(600_000),
    maxBytes: 1 << 30,
  });
  assert.equal(out.queries, 3);
  assert.equal(out.hops?.ct_ct_mul, 1, "one square for all units");
  assert.ok(out.stages && out.stages.evaluate_ms > 0);
  const got = await client.decrypt(out.body, 3);
  assert.equal(got.exact, false);
  got.scores.forEach((row, q) => {
    const exact = want[q].map((v) => Number(v) * 2 ** -net.outputScale);
    const scale = Math.max(...exact.map(Math.abs));
    row.forEach((v, k) =>
      assert.ok(Math.abs(v - exact[k]) <= 1e-3 * scale + 1e-3, `${v} vs ${exact[k]}`)
    );
  });
  const empty = await packKeys(spec.params, [{ relin: null, galois: null }]);
  await assert.rejects(server.unpackKeys(empty, { check: true }), MissingKeysError);
});

Deno.test("ckks_network: no plan for a cubic activation; not among the served plans", async () => {
  const cubic = randomHead(6, 4, 3, 2, {
    activation: [{ m: 1, e: 0 }, { m: 1, e: 0 }, { m: 1, e: 0 }, { m: 1, e: 0 }],
  });
  assert.equal(await PLANS.ckks_network.plan(compileModel(cubic)), null);
  assert.ok(SERVED.every((o) => o.kind !== "ckks_network"));
  assert.equal(definitionOf({ name: "p", encoding: "packed" }).kind, "ckks_packed");
});

Deno.test("ckks_network: the key budget's schedule, or one key per amount; the server checks which", async () => {
  const net = compileModel(randomConvNet(61));
  const budget = (await PLANS.ckks_network.plan(net))!;
  const direct = (await PLANS.ckks_network.plan(net, { rotationKeys: "direct" }))!;
  assert.deepEqual(direct.options, { rotationKeys: "direct" });
  assert.ok(budget.keys.galoisSteps.length < direct.keys.galoisSteps.length);
  assert.equal(budget.hash, direct.hash, "same parameters, other keys");
  // A server prepared for other keys than the spec's refuses before building anything.
  const forged = { ...budget, keys: { ...budget.keys, galoisSteps: direct.keys.galoisSteps } };
  await assert.rejects(
    preparePlanServer(forged, net),
    /expected the rotation steps 1,2,3,.* the network compiles to 1,2,4/,
  );
});

Deno.test("ckks_network: SEAL's heap stays flat over rounds (composed rotations free their temporaries)", async () => {
  const net = compileModel(randomConvNet(62));
  const spec = (await PLANS.ckks_network.plan(net))!;
  using client = await openPlanClient(spec);
  using server = await preparePlanServer(spec, net);
  using keys = await server.unpackKeys((await client.evaluationKeys())!, { check: true });
  const { heapBytes } = await loadSeal();
  const x = randomInputs(5, 1, net.inputSize, net.inputMin, net.inputMax);
  const round = async () => {
    const opts = { signal: AbortSignal.timeout(600_000), maxBytes: 1 << 30 };
    const out = await server.evaluate(await client.encrypt(x, 1), keys, opts);
    await client.decrypt(out.body, 1);
  };
  for (let i = 0; i < 2; i++) await round();
  const before = heapBytes();
  for (let i = 0; i < 3; i++) await round();
  assert.equal(heapBytes(), before, "SEAL's heap grew");
});
