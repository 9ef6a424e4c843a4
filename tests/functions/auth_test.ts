import assert from "node:assert/strict";
import { HeadClient, ServerError } from "../../lib/client/mod.ts";
import { packKeys } from "../../lib/he-head/wire/payloads.ts";
import { ENVELOPE_TYPE, type ModelDescription, PATHS } from "../../lib/protocol/api.ts";
import { AUTH_OFF_WARNING } from "../../lib/server/principal.ts";
import { testApp } from "./helpers.ts";

Deno.test("POST routes need a valid bearer token (401 JSON otherwise); GET routes stay public", async () => {
  const t = await testApp({ auth: true });
  try {
    const client = await HeadClient.connect("http://fcn.test", { fetch: t.fetch });
    using session = await client.session("poly");
    const body = await packKeys(session.plan.params, session.keys.evaluationKeys);
    const { token: revoked } = await t.service.tokens.create("gone");
    assert.ok(await t.service.tokens.revoke("gone"));
    for (const path of [PATHS.keys, PATHS.classify]) {
      for (
        const [name, auth] of [
          ["no header", null],
          ["not bearer", `Basic ${btoa("a:b")}`],
          ["malformed", "Bearer fcn_short"],
          ["unknown", `Bearer fcn_${"A".repeat(43)}`],
          ["revoked", `Bearer ${revoked}`],
        ] as const
      ) {
        const headers: Record<string, string> = { "content-type": ENVELOPE_TYPE };
        if (auth) headers.authorization = auth;
        const res = await t.app.request(path, { method: "POST", headers, body });
        const e = (await res.json()).error;
        assert.equal(res.status, 401, `${path}, ${name}`);
        assert.equal(e.code, "unauthorized");
        assert.match(e.message, /expected (a valid token|an Authorization: Bearer)/);
        assert.match(res.headers.get("www-authenticate") ?? "", /^Bearer/);
      }
    }
    for (const path of [PATHS.model, PATHS.health, PATHS.openapi, `${PATHS.plan}?queries=1`]) {
      assert.equal((await t.app.request(path)).status, 200, path);
    }
    const api = await (await t.app.request(PATHS.openapi)).json();
    assert.equal(api.components.securitySchemes.bearer.scheme, "bearer");
    for (const path of [PATHS.keys, PATHS.classify]) {
      assert.deepEqual(api.paths[path].post.security, [{ bearer: [] }]);
      for (const status of ["401", "408", "413", "429", "503"]) {
        assert.ok(api.paths[path].post.responses[status], `${path} documents ${status}`);
      }
    }
    const d = (await (await t.app.request(PATHS.model)).json()) as ModelDescription;
    assert.equal(d.auth.mode, "bearer");
    assert.equal(d.auth.warning, undefined);
    // The token is checked before the body is read: a body that never ends still gets its 401.
    const never = new ReadableStream<Uint8Array>({ pull: () => new Promise(() => {}) });
    const t0 = performance.now();
    const res = await t.app.request(PATHS.classify, {
      method: "POST",
      headers: { "content-type": ENVELOPE_TYPE },
      body: never,
    });
    assert.equal(res.status, 401);
    assert.ok(performance.now() - t0 < 1000);
    // Without a token the real client is refused with the server's reason.
    const anonymous = await HeadClient.connect("http://fcn.test", {
      fetch: (i, init) => Promise.resolve(t.app.request(String(i), init)),
    });
    await assert.rejects(
      anonymous.session("poly"),
      (e) => e instanceof ServerError && e.status === 401 && e.code === "unauthorized",
    );
  } finally {
    t.close();
  }
});

Deno.test("tokens are stored hashed: the KV never holds a usable token", async () => {
  const t = await testApp({ auth: true });
  try {
    const { token } = await t.service.tokens.create("alice", { queries_per_day: 7 });
    assert.match(token, /^fcn_[A-Za-z0-9_-]{43}$/);
    const hash = Array.from(
      new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token))),
      (b) => b.toString(16).padStart(2, "0"),
    ).join("");
    let dump = "";
    for await (const e of t.kv.list({ prefix: [] })) dump += JSON.stringify([e.key, e.value]);
    assert.ok(!dump.includes(token.slice(4)), "no token in the KV");
    assert.ok(dump.includes(hash), "its SHA-256 is");
    const listed = await t.service.tokens.list();
    assert.deepEqual(listed.map((r) => r.name).sort(), ["alice", "test"]);
    assert.equal(listed.find((r) => r.name === "alice")!.quota.queries_per_day, 7);
    await assert.rejects(t.service.tokens.create("alice"), /already in use/);
    await assert.rejects(t.service.tokens.create("no spaces"), /token name/);
    await assert.rejects(t.service.tokens.create("bob", { key_sets: 0 }), /key_sets/);
  } finally {
    t.close();
  }
});

Deno.test("FCN_AUTH=off is marked in GET /v1/model and /healthz", async () => {
  const t = await testApp({ auth: false });
  try {
    const d = (await (await t.app.request(PATHS.model)).json()) as ModelDescription;
    assert.equal(d.auth.mode, "off");
    assert.equal(d.auth.warning, AUTH_OFF_WARNING);
    const h = await (await t.app.request(PATHS.health)).json();
    assert.equal(h.auth, "off");
    assert.match(h.warning, /FCN_AUTH=off/);
    const res = await t.app.request(PATHS.keys, {
      method: "POST",
      headers: { "content-type": ENVELOPE_TYPE },
      body: new Uint8Array(100),
    });
    assert.equal(res.status, 400, "no token needed; the body is judged");
  } finally {
    t.close();
  }
});
