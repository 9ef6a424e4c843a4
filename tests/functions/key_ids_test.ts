import assert from "node:assert/strict";
import { HeadClient } from "../../lib/client/mod.ts";
import { decodeEnvelope, encodeEnvelope, type Envelope } from "../../lib/he-head/wire/envelope.ts";
import { packKeys } from "../../lib/he-head/wire/payloads.ts";
import { ENVELOPE_TYPE, PATHS } from "../../lib/protocol/api.ts";
import { testApp } from "./helpers.ts";

async function resum(b: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const d = await crypto.subtle.digest("SHA-256", b.subarray(0, b.length - 32));
  b.set(new Uint8Array(d), b.length - 32);
  return b;
}

async function storedKeySets(kv: Deno.Kv): Promise<number> {
  let n = 0;
  for await (const e of kv.list({ prefix: ["keys"] })) if (e.key[2] === "meta") n++;
  return n;
}

Deno.test("key ids are canonical: one id per key set, however it is spelled; other spellings are 400", async () => {
  const t = await testApp();
  try {
    const client = await HeadClient.connect("http://fcn.test", { fetch: t.fetch });
    using session = await client.session("poly");
    const params = session.plan.params;
    const post = (body: Uint8Array<ArrayBuffer>) =>
      t.fetch(`http://fcn.test${PATHS.keys}`, {
        method: "POST",
        headers: { "content-type": ENVELOPE_TYPE },
        body,
      });
    const deflated = await packKeys(params, session.keys.evaluationKeys);
    const env: Envelope = await decodeEnvelope(deflated, {
      kind: "keys",
      paramsHash: deflated.slice(8, 40),
      maxBytes: 1e9,
      maxBodyBytes: 1e9,
      maxEntryBytes: 1e9,
    });
    assert.ok(env.entries.length >= 2, "one relinearisation key set per plaintext modulus");
    const spellings: [string, Uint8Array<ArrayBuffer>][] = [
      ["deflated", deflated],
      ["not deflated", await encodeEnvelope(env, { compress: false })],
      ["entries reversed", await encodeEnvelope({ ...env, entries: [...env.entries].reverse() })],
    ];
    for (const [name, body] of spellings) {
      const res = await post(body);
      const a = await res.json();
      assert.equal(a.key_id, session.keyId, name);
      assert.equal(res.status, 200, `${name}: already registered`);
    }
    // The finding: flipping an entry's reserved 16 bits gave 100 ids for the same keys.
    const raw = await encodeEnvelope(env, { compress: false });
    for (let i = 1; i <= 100; i++) {
      const b = raw.slice();
      new DataView(b.buffer).setUint16(52 + 2, i, true);
      const res = await post(await resum(b));
      const e = (await res.json()).error;
      assert.equal(res.status, 400);
      assert.match(e.message, new RegExp(`expected reserved bytes 0, received ${i}`));
    }
    // Header fields keys do not use must hold their one value too.
    for (const [at, value, field, want] of [[40, 2, "count", 1], [44, 1, "queries", 0]] as const) {
      const b = raw.slice();
      new DataView(b.buffer).setUint32(at, value, true);
      const res = await post(await resum(b));
      assert.equal(res.status, 400);
      assert.match(
        (await res.json()).error.message,
        new RegExp(
          `header field ${field} \\(offset ${at}\\) = ${value}, expected ${want} \\(a keys`,
        ),
      );
    }
    assert.equal(await storedKeySets(t.kv), 1, "the same keys occupy one entry");
  } finally {
    t.close();
  }
});
