import assert from "node:assert/strict";
import { HeadClient } from "../../lib/client/mod.ts";
import { evaluatePlain } from "../../lib/he-head/engine/plain.ts";
import { compileModel } from "../../lib/model/network.ts";
import { randomInputs } from "../fixtures/random_model.ts";
import { testApp } from "../functions/helpers.ts";

Deno.test("a saved session is reused without a key upload, and re-registered when the server forgot its keys", async () => {
  const t = await testApp();
  try {
    const net = compileModel(t.model);
    const x = randomInputs(5, 1, net.inputSize, net.inputMin, net.inputMax);
    const expected = evaluatePlain(net, x, 1);
    let keyPosts = 0;
    const counting = ((input: RequestInfo | URL, init?: RequestInit) => {
      if (String(input).endsWith("/v1/keys")) keyPosts++;
      return t.fetch(input, init);
    }) as typeof fetch;
    const client = await HeadClient.connect("http://fcn.test", { fetch: counting });
    const saved = await (async () => {
      using first = await client.session("poly");
      assert.deepEqual((await first.classify(x, 1)).logits, expected);
      return first.save();
    })();
    assert.equal(keyPosts, 1);
    assert.match(saved.key_id!, /^[0-9a-f]{64}$/);
    assert.equal(saved.secret_keys.length, 2);

    // Same secret keys, no upload: the server's stored evaluation keys still fit them.
    using again = await client.session("poly", saved);
    assert.equal(keyPosts, 1);
    assert.equal(again.keyId, saved.key_id);
    assert.deepEqual((await again.classify(x, 1)).logits, expected);

    // The server forgets the keys: one 404 unknown-key-id, then registration and a retry.
    await t.kv.delete(["keys", saved.key_id!, "meta"]);
    assert.deepEqual((await again.classify(x, 1)).logits, expected);
    assert.equal(keyPosts, 2);
    assert.match(again.keyId!, /^[0-9a-f]{64}$/);

    // Keys of another plan are not reused.
    using other = await client.session("simd", saved);
    assert.notEqual(other.keyId, saved.key_id);
    assert.equal(keyPosts, 3);
  } finally {
    t.close();
  }
});
