import assert from "node:assert/strict";
import { HeadClient, ServerError } from "../../lib/client/mod.ts";
import { compileModel } from "../../lib/model/network.ts";
import type { ClientKeys } from "../../lib/he-head/seal/client/keys.ts";
import { encryptInputsSerialized } from "../../lib/he-head/schemes/bfv/client/encrypt.ts";
import type { HeContext } from "../../lib/he-head/schemes/bfv/bfv_context.ts";
import { packInputs, packKeys } from "../../lib/he-head/wire/payloads.ts";
import { ENVELOPE_TYPE, KEY_ID_HEADER, PATHS, type Quota } from "../../lib/protocol/api.ts";
import { randomInputs } from "../fixtures/random_model.ts";
import { testApp, UNLIMITED, withToken } from "./helpers.ts";

type App = Awaited<ReturnType<typeof testApp>>;

async function clientFor(t: App, name: string, quota: Partial<Quota>) {
  const { token } = await t.service.tokens.create(name, { ...UNLIMITED, ...quota });
  const fetch = withToken((r) => Promise.resolve(t.app.request(r as Request)), token);
  return { token, fetch, client: await HeadClient.connect("http://fcn.test", { fetch }) };
}

/** Asserts a 429 from the client with a Retry-After within `maxSeconds`. */
async function tooMany(p: Promise<unknown>, message: RegExp, maxSeconds: number) {
  await assert.rejects(p, (e) => {
    assert.ok(e instanceof ServerError, String(e));
    assert.equal(e.status, 429, e.message);
    assert.equal(e.code, "quota-exceeded");
    assert.match(e.message, message);
    assert.ok(e.retryAfter !== null && e.retryAfter >= 1 && e.retryAfter <= maxSeconds);
    return true;
  });
}

Deno.test("requests per minute: beyond the token's rate, 429 with Retry-After until the minute ends", async () => {
  // Not across a minute boundary (the window is the clock's minute).
  const into = Date.now() % 60_000;
  if (into > 50_000) await new Promise((r) => setTimeout(r, 60_500 - into));
  const t = await testApp({ auth: true });
  try {
    const { fetch } = await clientFor(t, "rate", { requests_per_minute: 3 });
    const post = () =>
      fetch(`http://fcn.test${PATHS.keys}`, {
        method: "POST",
        headers: { "content-type": ENVELOPE_TYPE },
        body: new Uint8Array(64),
      });
    for (let i = 0; i < 3; i++) assert.equal((await post()).status, 400, "counted, then judged");
    const res = await post();
    assert.equal(res.status, 429);
    assert.match((await res.json()).error.message, /at most 3 requests per minute/);
    const wait = Number(res.headers.get("retry-after"));
    assert.ok(wait >= 1 && wait <= 60, `Retry-After ${wait}`);
    // Another token is not affected.
    assert.equal(
      (await (await clientFor(t, "other", {})).fetch(`http://fcn.test${PATHS.keys}`, {
        method: "POST",
        headers: { "content-type": ENVELOPE_TYPE },
        body: new Uint8Array(64),
      })).status,
      400,
    );
  } finally {
    t.close();
  }
});

Deno.test("encrypted queries per day (the extraction budget): charged per query, 429 beyond it", async () => {
  const t = await testApp({ auth: true });
  try {
    const { client } = await clientFor(t, "budget", { queries_per_day: 6 });
    const net = compileModel(t.model);
    const x = randomInputs(3, 5, net.inputSize, net.inputMin, net.inputMax);
    using poly = await client.session("poly");
    await poly.classify(x.subarray(0, 2 * net.inputSize), 2); // 2 requests, 1 query each
    using simd = await client.session("simd");
    await simd.classify(x.subarray(0, 3 * net.inputSize), 3); // 1 request, 3 queries
    await tooMany(
      simd.classify(x, 5),
      /6 encrypted queries per day; 5 used, this request needs 5/,
      86_400,
    );
    await poly.classify(x.subarray(0, net.inputSize), 1); // the sixth fits
    await tooMany(poly.classify(x.subarray(0, net.inputSize), 1), /6 used/, 86_400);
  } finally {
    t.close();
  }
});

Deno.test("stored keys per token: key sets and key bytes are bounded; keys are the token's own", async () => {
  const t = await testApp({ auth: true, keyTtlMs: 2_000 });
  try {
    const a = await clientFor(t, "a", { key_sets: 1 });
    using poly = await a.client.session("poly");
    // The same keys again are not a second set.
    const again = await a.fetch(`http://fcn.test${PATHS.keys}`, {
      method: "POST",
      headers: { "content-type": ENVELOPE_TYPE },
      body: await packKeys(poly.plan.params, poly.keys.evaluationKeys),
    });
    assert.equal(again.status, 200);
    await tooMany(a.client.session("simd"), /at most 1 stored key sets, this would be 2/, 2);
    // Another token cannot use a's keys, even knowing their id.
    const b = await clientFor(t, "b", {});
    const net = compileModel(t.model);
    const x = randomInputs(1, 1, net.inputSize, net.inputMin, net.inputMax);
    const inputs = await packInputs(
      poly.plan.params,
      encryptInputsSerialized(poly.keys as ClientKeys<HeContext>, x, 1, net.inputSize),
      1,
    );
    const classify = (fetch: typeof globalThis.fetch) =>
      fetch(`http://fcn.test${PATHS.classify}`, {
        method: "POST",
        headers: { "content-type": ENVELOPE_TYPE, [KEY_ID_HEADER]: poly.keyId! },
        body: inputs,
      });
    const malformed = await b.fetch(`http://fcn.test${PATHS.classify}`, {
      method: "POST",
      headers: { "content-type": ENVELOPE_TYPE, [KEY_ID_HEADER]: "x".repeat(5000) },
      body: inputs,
    });
    assert.equal(malformed.status, 400);
    assert.equal((await malformed.json()).error.code, "bad-key-id");
    const theirs = await classify(b.fetch);
    assert.equal(theirs.status, 404);
    assert.match((await theirs.json()).error.message, /registered by this token/);
    const mine = await classify(a.fetch);
    assert.equal(mine.status, 200);
    await mine.arrayBuffer();
    // Keys expire with their TTL, which frees the token's slot.
    await new Promise((r) => setTimeout(r, 2_100));
    using simd = await a.client.session("simd");
    assert.ok(simd.keyId);
    // Key bytes: a quota below one key set refuses it, and nothing is written.
    const stored = async () => {
      let n = 0;
      for await (const _ of t.kv.list({ prefix: ["keys"] })) n++;
      return n;
    };
    const before = await stored();
    const c = await clientFor(t, "c", { key_bytes: 1000 });
    await tooMany(c.client.session("poly"), /at most 1000 bytes of stored keys/, 60);
    assert.equal(await stored(), before, "nothing written");
  } finally {
    t.close();
  }
});
