import assert from "node:assert/strict";
import { planConformance } from "./conformance.ts";
import { randomHead, randomInputs } from "../../fixtures/random_model.ts";
import {
  compileModel,
  evaluatePlain,
  type Network,
  PLANS,
  readModel,
} from "../../../lib/he-head/mod.ts";
import { openPlanClient } from "../../../lib/he-head/client.ts";
import { preparePlanServer } from "../../../lib/he-head/server.ts";

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

/** Edge inputs (all maxima, all minima, alternating) and random ones, row-major. */
function queries(net: Network, random: number): Int32Array {
  const d = net.inputSize, lo = net.inputMin, hi = net.inputMax;
  const edges = [
    Array.from({ length: d }, () => hi),
    Array.from({ length: d }, () => lo),
    Array.from({ length: d }, (_, i) => (i % 2 ? lo : hi)),
  ].flat();
  return Int32Array.from([...edges, ...randomInputs(d, random, d, lo, hi)]);
}

/**
 * Round trips `batches` requests of `perRequest` queries (edge inputs first) and checks every
 * logit against the integer head, and the answer's budget against the plan's estimate.
 */
async function exactRoundTrips(net: Network, batches: number, perRequest: number) {
  const spec = await PLANS.bfv_wide.plan(net);
  assert.ok(spec, `bfv_wide fits ${net.name}`);
  const server = await preparePlanServer(spec, net);
  const client = await openPlanClient(spec);
  try {
    const keys = await server.unpackKeys((await client.evaluationKeys())!, { check: true });
    try {
      const all = queries(net, batches * perRequest - 3);
      for (let b = 0; b < batches; b++) {
        const x = all.subarray(
          b * perRequest * net.inputSize,
          (b + 1) * perRequest * net.inputSize,
        );
        const out = await server.evaluate(await client.encrypt(x, perRequest), keys, {
          signal: AbortSignal.timeout(600_000),
          maxBytes: 1 << 30,
        });
        const got = await client.decrypt(out.body, perRequest, { noiseBudget: true });
        assert.deepEqual(got.logits, evaluatePlain(net, x, perRequest), `${net.name}, batch ${b}`);
        // The estimate after the switch (three components: level - t - 18) is a lower bound.
        const p = spec.params, data = p.coeffModulusBits.slice(0, -1);
        const level = data.slice(0, data.length - spec.extra.responsePrimesDropped)
          .reduce((a, c) => a + c, 0);
        const logT = BigInt(p.plainModulus).toString(2).length;
        const estimate = Math.min(
          spec.extra.budgetBits!,
          level - logT - (spec.extra.square ? 18 : 9),
        );
        assert.ok(
          got.noiseBudgetBits! >= estimate,
          `${net.name}: budget ${got.noiseBudgetBits} below the estimate ${estimate}`,
        );
      }
    } finally {
      keys.delete();
    }
  } finally {
    client.close();
    server.close();
  }
}

Deno.test("bfv_wide is exact at d = 1,024, hidden 128 (edge and random inputs)", async () => {
  await exactRoundTrips(compileModel(wideHead(43, 1024, 128)), 1, 4);
});

Deno.test("bfv_wide is exact at d = 256, hidden 64, on 16 edge and random inputs", async () => {
  await exactRoundTrips(compileModel(wideHead(44, 256, 64)), 4, 4);
});

Deno.test("bfv_wide is exact on the demo head (edge and random inputs)", async () => {
  await exactRoundTrips(compileModel(await readModel("models/head/uci_digits.json")), 2, 4);
});

Deno.test("bfv_wide at d = 512, hidden 64 fits the 4 MiB key budget with one lane, exactly", async () => {
  const net = compileModel(wideHead(45, 512, 64));
  const spec = await PLANS.bfv_wide.plan(net);
  assert.equal(spec?.extra.layout.lanes, 1, "one lane: no row swap, one Galois key less");
  const client = await openPlanClient(spec!);
  try {
    const keys = await client.evaluationKeys();
    assert.ok(keys!.length <= 4 * 1024 * 1024, `keys ${keys!.length} bytes`);
  } finally {
    client.close();
  }
  await exactRoundTrips(net, 1, 4);
});
