import assert from "node:assert/strict";
import { compileModel } from "../../lib/model/network.ts";
import { evaluatePlain } from "../../lib/he-head/engine/plain.ts";
import { ClientKeys } from "../../lib/he-head/seal/client/keys.ts";
import { encryptInputsSerialized } from "../../lib/he-head/schemes/bfv/client/encrypt.ts";
import { HeContext } from "../../lib/he-head/schemes/bfv/bfv_context.ts";
import { CkksContext } from "../../lib/he-head/schemes/ckks/ckks_context.ts";
import type { CkksParams } from "../../lib/he-head/schemes/ckks/ckks_params.ts";
import { encryptPackedSerialized } from "../../lib/he-head/schemes/ckks/client/packed_client.ts";
import { packedLayout } from "../../lib/he-head/schemes/ckks/packed_layout.ts";
import type { HeParams } from "../../lib/he-head/schemes/bfv/bfv_params.ts";
import { packInputs, packKeys } from "../../lib/he-head/wire/payloads.ts";
import { ExtractorMismatchError, HeadClient, ServerError } from "../../lib/client/mod.ts";
import { ENVELOPE_TYPE, type ModelDescription, PATHS } from "../../lib/protocol/api.ts";
import { randomInputs } from "../fixtures/random_model.ts";
import { runBadInputSuite } from "./bad_input_suite.ts";
import { testApp } from "./helpers.ts";

Deno.test("GET /v1/model describes the head without weights; /healthz and /openapi.json answer", async () => {
  const t = await testApp();
  try {
    const res = await t.app.request(PATHS.model);
    assert.equal(res.status, 200);
    const d = (await res.json()) as ModelDescription;
    assert.deepEqual(d.input, t.model.input);
    assert.deepEqual(d.classes, ["a", "b", "c", "d"]);
    assert.equal(d.extractor?.id, "sha256:test-extractor");
    assert.equal(d.privacy?.epsilon, 3);
    const encodings = d.plans.map((p) => p.encoding);
    assert.deepEqual(encodings.slice(0, 4), ["poly", "simd", "packed", "bfv-packed"]);
    // Every plan but CKKS packed is exact, and says so.
    assert.deepEqual(d.plans.map((p) => p.exact), encodings.map((e) => e !== "packed"));
    assert.equal(d.architecture.length, t.model.layers.length);
    const text = JSON.stringify(d);
    for (const secret of ["sign", "exponent", "values", "coefficients"]) {
      assert.ok(!text.includes(`"${secret}"`), `the description leaks "${secret}"`);
    }
    assert.equal((await (await t.app.request(PATHS.health)).json()).status, "ok");
    const api = await (await t.app.request(PATHS.openapi)).json();
    assert.ok(api.paths[PATHS.classify].post);
    const missing = await t.app.request("/v2/nothing");
    assert.equal(missing.status, 404);
    assert.equal((await missing.json()).error.code, "not-found");
  } finally {
    t.close();
  }
});

Deno.test("the real client classifies through the app: encrypted results equal the integer head", async () => {
  const t = await testApp();
  try {
    const client = await HeadClient.connect("http://fcn.test", { fetch: t.fetch });
    client.checkExtractor("sha256:test-extractor");
    assert.throws(() => client.checkExtractor("sha256:other"), ExtractorMismatchError);
    const net = compileModel(t.model);
    for (const encoding of ["poly", "simd"] as const) {
      using session = await client.session(encoding);
      const count = encoding === "poly" ? 3 : 20;
      const x = randomInputs(9, count, net.inputSize, net.inputMin, net.inputMax);
      const r = await session.classify(x, count);
      assert.deepEqual(r.logits, evaluatePlain(net, x, count));
      assert.equal(r.requests.length, encoding === "poly" ? 3 : 1);
      assert.ok(r.probabilities.every((p) => Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-9));
      // Registering the same keys again is idempotent.
      const again = await t.app.request(PATHS.keys, {
        method: "POST",
        headers: { "content-type": ENVELOPE_TYPE },
        body: await packKeys(session.plan.params, session.keys.evaluationKeys),
      });
      assert.equal(again.status, 200);
      assert.equal((await again.json()).key_id, session.keyId);
    }
  } finally {
    t.close();
  }
});

Deno.test("packed plan: one CKKS ciphertext per query, logits within the error bound, same argmax", async () => {
  const t = await testApp();
  try {
    const client = await HeadClient.connect("http://fcn.test", { fetch: t.fetch });
    using session = await client.session("packed");
    assert.ok(
      session.keyBytes > 0 && session.keyBytes < 2_000_000,
      `keys ${session.keyBytes} bytes`,
    );
    const net = compileModel(t.model);
    const x = randomInputs(4, 20, net.inputSize, net.inputMin, net.inputMax);
    const r = await session.classify(x, 20);
    const want = evaluatePlain(net, x, 20);
    assert.equal(r.exact, false);
    assert.equal(r.requests.length, 2, "16 queries per request");
    const bound = session.plan.error_bound!;
    assert.ok(bound > 0);
    r.scores.forEach((s, q) => {
      const exact = want[q].map((v) => Number(v) * 2 ** -net.outputScale);
      s.forEach((v, k) =>
        assert.ok(Math.abs(v - exact[k]) <= bound, `|${v} - ${exact[k]}| > ${bound}`)
      );
      assert.equal(r.predictions[q], exact.indexOf(Math.max(...exact)));
    });
    assert.ok(
      r.requests.every((q) =>
        q.query_bytes < 64_000 * q.queries && q.response_bytes < 64_000 * q.queries
      ),
    );
  } finally {
    t.close();
  }
});

Deno.test("the planner picks the exact packed plan for one query, simd for a large batch, and only plans with keys", async () => {
  const t = await testApp();
  try {
    const ask = async (q: string) => await (await t.app.request(`/v1/plan?${q}`)).json();
    const plans = (await (await t.app.request(PATHS.model)).json()).plans as {
      name: string;
      encoding: string;
    }[];
    const name = (e: string) => plans.find((p) => p.encoding === e)!.name;
    const one = await ask("queries=1");
    assert.equal(one.plan, name("bfv-packed"));
    assert.equal(one.exact, true);
    assert.ok(one.candidates.some((c: { exact: boolean }) => !c.exact), "an approximate candidate");
    assert.equal((await ask("queries=3000")).plan, name("simd"));
    // The test head's monomials fit one block: the exact packed plan needs no key at all, so it
    // stays usable whatever was registered; the plans that need keys are not.
    const poly = await ask(`queries=1&registered=${name("poly")}`);
    assert.equal(poly.plan, name("bfv-packed"));
    const unusable = poly.candidates.filter((c: { reason?: string }) => c.reason).map((
      c: { plan: string },
    ) => c.plan);
    assert.ok(!unusable.includes(name("poly")) && unusable.includes(name("packed")));
    const none = await ask("queries=1&registered=");
    assert.equal(none.plan, name("bfv-packed"));
    assert.equal((await t.app.request("/v1/plan?queries=0")).status, 400);
    // Classifying under a plan whose keys were never registered is refused.
    const client = await HeadClient.connect("http://fcn.test", { fetch: t.fetch });
    assert.equal(client.choosePlan(1).plan, name("bfv-packed"));
  } finally {
    t.close();
  }
});

Deno.test("stateless classify: keys inline in a multipart body", async () => {
  const t = await testApp();
  try {
    const client = await HeadClient.connect("http://fcn.test", { fetch: t.fetch });
    const plan = client.plan("poly");
    using ctx = await HeContext.create(plan.params as HeParams);
    using keys = ClientKeys.generate(ctx);
    const net = compileModel(t.model);
    const x = randomInputs(3, 1, net.inputSize, net.inputMin, net.inputMax);
    const form = new FormData();
    form.append(
      "inputs",
      new Blob([
        await packInputs(plan.params, encryptInputsSerialized(keys, x, 1, net.inputSize), 1),
      ]),
    );
    form.append("keys", new Blob([await packKeys(plan.params, keys.evaluationKeys)]));
    const res = await t.app.request(PATHS.classify, { method: "POST", body: form });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("x-plan"), plan.name);
    // Inline keys without relinearization keys: refused as keys, not a server error.
    using bare = ClientKeys.generate(ctx, { relin: false });
    const form2 = new FormData();
    form2.append(
      "inputs",
      new Blob([
        await packInputs(plan.params, encryptInputsSerialized(keys, x, 1, net.inputSize), 1),
      ]),
    );
    form2.append("keys", new Blob([await packKeys(plan.params, bare.evaluationKeys)]));
    const res2 = await t.app.request(PATHS.classify, { method: "POST", body: form2 });
    assert.equal(res2.status, 422);
    assert.equal((await res2.json()).error.code, "missing-keys");
  } finally {
    t.close();
  }
});

Deno.test("a full queue answers 503 with Retry-After", async () => {
  const t = await testApp({ concurrency: 1, queue: 0 });
  try {
    const client = await HeadClient.connect("http://fcn.test", { fetch: t.fetch });
    using session = await client.session("simd");
    const net = compileModel(t.model);
    const x = randomInputs(1, 4, net.inputSize, net.inputMin, net.inputMax);
    const results = await Promise.allSettled([
      session.classify(x, 4),
      session.classify(x, 4),
      session.classify(x, 4),
    ]);
    const busy = results.filter((r) => r.status === "rejected");
    assert.ok(busy.length >= 1, "at least one request was refused");
    for (const r of busy) {
      assert.ok(
        r.status === "rejected" && r.reason instanceof ServerError && r.reason.status === 503 &&
          r.reason.code === "busy",
      );
    }
    assert.ok(results.some((r) => r.status === "fulfilled"));
    // The server keeps serving.
    assert.deepEqual((await session.classify(x, 4)).logits, evaluatePlain(net, x, 4));
  } finally {
    t.close();
  }
});

Deno.test("bad input gets the right 4xx JSON error and the next valid request still works", async () => {
  const t = await testApp();
  try {
    await runBadInputSuite(
      t.fetch,
      "http://fcn.test",
      t.model,
      t.service.maxBodyBytes + t.service.maxKeyBytes,
    );
  } finally {
    t.close();
  }
});

Deno.test("packed plan: too many queries, keys without the plan's rotations, and no keys are refused", async () => {
  const t = await testApp();
  try {
    const client = await HeadClient.connect("http://fcn.test", { fetch: t.fetch });
    const plan = client.plan("packed");
    using ctx = await CkksContext.create(plan.params as CkksParams);
    // Relinearisation keys only: the plan needs Galois keys for its rotation steps.
    using wrong = ClientKeys.generate(ctx, { relin: true });
    const res = await t.app.request(PATHS.keys, {
      method: "POST",
      headers: { "content-type": ENVELOPE_TYPE },
      body: await packKeys(plan.params, wrong.evaluationKeys),
    });
    assert.equal(res.status, 422);
    assert.match((await res.json()).error.message, /Galois key for rotation step/);
    using session = await client.session("packed");
    const net = compileModel(t.model);
    const layout = packedLayout(
      net.inputSize,
      net.outputSize,
      ctx.slots,
      net.inputMin,
      net.inputMax,
    );
    const x = randomInputs(2, 1, net.inputSize, net.inputMin, net.inputMax);
    const one = encryptPackedSerialized(session.keys as ClientKeys<CkksContext>, x, layout);
    const post = async (body: Uint8Array<ArrayBuffer>, keyId: string | null) =>
      await t.app.request(PATHS.classify, {
        method: "POST",
        body,
        headers: { "content-type": ENVELOPE_TYPE, ...(keyId ? { "x-key-id": keyId } : {}) },
      });
    const tooMany = await post(
      await packInputs(plan.params, [new Array(17).fill(one)], 17),
      session.keyId,
    );
    assert.equal(tooMany.status, 400);
    assert.match(
      (await tooMany.json()).error.message,
      /header field count \(offset 40\) = 17, expected 1 to 16/,
    );
    // A well-formed ciphertext at another scale than the plan's (SEAL would fail later).
    const pt = new ctx.seal.Plaintext();
    ctx.encoder.encode(new Float64Array(ctx.slots).fill(0.5), 2 ** 50, pt);
    const odd = (session.keys as ClientKeys<CkksContext>).encryptor(0).encryptSymmetricSerializable(
      pt,
    );
    const oddBytes = new Uint8Array(odd.saveToArray(ctx.seal.ComprModeType.none));
    odd.delete();
    pt.delete();
    const badScale = await post(await packInputs(plan.params, [[oddBytes]], 1), session.keyId);
    assert.equal(badScale.status, 400);
    assert.match((await badScale.json()).error.message, /expected scale 1073741824/);
    const noKeys = await post(await packInputs(plan.params, [[one]], 1), null);
    assert.equal(noKeys.status, 400);
    assert.equal((await noKeys.json()).error.code, "missing-key-id");
    const ok = await post(await packInputs(plan.params, [[one]], 1), session.keyId);
    assert.equal(ok.status, 200);
    await ok.arrayBuffer();
  } finally {
    t.close();
  }
});
