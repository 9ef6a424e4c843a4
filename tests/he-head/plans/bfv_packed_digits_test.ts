import assert from "node:assert/strict";
import { loadUciDigits } from "../../../lib/datasets/mod.ts";
import { loadExtractor } from "../../../lib/feature-extractor/mod.ts";
import { argmax, evaluatePlain } from "../../../lib/he-head/engine/plain.ts";
import { openPlanClient } from "../../../lib/he-head/client.ts";
import { preparePlanServer } from "../../../lib/he-head/server.ts";
import { PLANS } from "../../../lib/he-head/plans/registry.ts";
import { compileModel, quantizeFeatures, readModel } from "../../../lib/model/mod.ts";

Deno.test("bfv_packed on all 500 private test digits: every decrypted logit equals the integer head", async () => {
  const model = await readModel("models/head/uci_digits.json");
  const net = compileModel(model);
  const { test } = await loadUciDigits();
  const n = test.y.length;
  assert.equal(n, 500);
  const extractor = await loadExtractor();
  let x: Int32Array;
  try {
    x = quantizeFeatures(extractor.extract(test.x, n), model.input);
  } finally {
    extractor.dispose();
  }
  const want = evaluatePlain(net, x, n);
  const spec = await PLANS.bfv_packed.plan(net);
  assert.ok(spec, "bfv_packed fits the demo head");
  using server = await preparePlanServer(spec, net);
  using client = await openPlanClient(spec);
  using keys = await server.unpackKeys((await client.evaluationKeys())!, { check: true });
  const batch = spec.cost.maxQueries, d = net.inputSize;
  let mismatches = 0, correct = 0, minBudget = Infinity;
  for (let q = 0; q < n; q += batch) {
    const k = Math.min(batch, n - q);
    const request = await client.encrypt(x.subarray(q * d, (q + k) * d), k);
    const out = await server.evaluate(request, keys, {
      signal: AbortSignal.timeout(600_000),
      maxBytes: 1 << 24,
    });
    const got = await client.decrypt(out.body, k, { noiseBudget: true });
    minBudget = Math.min(minBudget, got.noiseBudgetBits!);
    got.logits!.forEach((l, i) => {
      if (l.some((v, j) => v !== want[q + i][j])) mismatches++;
      if (argmax(l) === test.y[q + i]) correct++;
    });
  }
  assert.equal(mismatches, 0, `${mismatches} of ${n} answers differ from the integer head`);
  assert.ok(minBudget > 0, `noise budget left in every answer (smallest ${minBudget} bits)`);
  assert.ok(correct / n > 0.95, `accuracy on the private test digits ${correct / n}`);
});
