import assert from "node:assert/strict";
import { HeadClient } from "../../lib/client/mod.ts";
import { decodeEnvelope, encodeEnvelope } from "../../lib/he-head/wire/envelope.ts";
import { packKeys } from "../../lib/he-head/wire/payloads.ts";
import { ENVELOPE_TYPE, PATHS } from "../../lib/protocol/api.ts";
import { testApp, UNLIMITED, withToken } from "./helpers.ts";

Deno.test("the key-bytes quota charges a key set's canonical size, however the envelope spelled it", async () => {
  const t = await testApp({ auth: true });
  try {
    const client = await HeadClient.connect("http://fcn.test", { fetch: t.fetch });
    using session = await client.session("poly");
    const deflated = await packKeys(session.plan.params, session.keys.evaluationKeys);
    const env = await decodeEnvelope(deflated, {
      kind: "keys",
      paramsHash: deflated.slice(8, 40),
      maxBytes: 1e9,
      maxBodyBytes: 1e9,
      maxEntryBytes: 1e9,
    });
    const raw = await encodeEnvelope(env, { compress: false });
    const canonical = env.entries.reduce((s, e) => s + e.bytes.length, 0);
    assert.ok(deflated.length < canonical && canonical < raw.length, "the spellings differ");
    let n = 0;
    const post = async (quota: number, body: Uint8Array<ArrayBuffer>) => {
      const { token } = await t.service.tokens.create(`q${quota}-${n++}`, {
        ...UNLIMITED,
        key_bytes: quota,
      });
      const fetch = withToken((r) => Promise.resolve(t.app.request(r as Request)), token);
      const res = await fetch(`http://fcn.test${PATHS.keys}`, {
        method: "POST",
        headers: { "content-type": ENVELOPE_TYPE },
        body,
      });
      return { status: res.status, body: await res.json() };
    };
    // Exactly the canonical size fits, both spellings (the raw one is larger on the wire).
    for (const body of [deflated, raw]) {
      const r = await post(canonical, body);
      assert.ok(r.status === 200 || r.status === 201, JSON.stringify(r.body));
    }
    // One byte less is refused, both spellings (the deflated one is smaller on the wire).
    for (const body of [deflated, raw]) {
      const r = await post(canonical - 1, body);
      assert.equal(r.status, 429, JSON.stringify(r.body));
      assert.match(r.body.error.message, new RegExp(`this would be ${canonical}\\b`));
    }
  } finally {
    t.close();
  }
});
