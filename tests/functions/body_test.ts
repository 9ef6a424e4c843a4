import assert from "node:assert/strict";
import { HeadClient } from "../../lib/client/mod.ts";
import { compileModel } from "../../lib/model/network.ts";
import { evaluatePlain } from "../../lib/he-head/engine/plain.ts";
import { ENVELOPE_TYPE, PATHS } from "../../lib/protocol/api.ts";
import { issueToken, startServer } from "../../lib/server/local_server.ts";
import { randomInputs } from "../fixtures/random_model.ts";
import { testApp, testModel, UNLIMITED } from "./helpers.ts";
import { rawRequest } from "./raw_http.ts";

Deno.test("in process: a stalled body is 408 at the deadline; a Content-Encoding is 415", async () => {
  const t = await testApp({ bodyTimeoutMs: 300 });
  try {
    const stalled = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new Uint8Array(10));
      },
      pull: () => new Promise(() => {}),
    });
    const t0 = performance.now();
    const res = await t.fetch(`http://fcn.test${PATHS.classify}`, {
      method: "POST",
      headers: { "content-type": ENVELOPE_TYPE },
      body: stalled,
    });
    const ms = performance.now() - t0;
    const e = (await res.json()).error;
    assert.equal(res.status, 408);
    assert.equal(e.code, "body-timeout");
    assert.match(e.message, /expected the whole body within 300 ms, received 10 bytes/);
    assert.ok(ms >= 290 && ms < 2000, `${ms} ms`);
    for (const encoding of ["gzip", "deflate", "br", "zstd"]) {
      const r = await t.fetch(`http://fcn.test${PATHS.keys}`, {
        method: "POST",
        headers: { "content-type": ENVELOPE_TYPE, "content-encoding": encoding },
        body: new Uint8Array(100),
      });
      assert.equal(r.status, 415, encoding);
      assert.equal((await r.json()).error.code, "unsupported-content-encoding");
    }
  } finally {
    t.close();
  }
});

Deno.test("over loopback: short uploads are 400, stalled ones 408, none is a 5xx", async () => {
  const dir = await Deno.makeTempDir();
  const model = testModel(5);
  await Deno.writeTextFile(`${dir}/model.json`, JSON.stringify(model));
  const token = await issueToken(`${dir}/keys.kv`, "body", UNLIMITED);
  const server = await startServer({
    FCN_MODEL: `${dir}/model.json`,
    FCN_KV: `${dir}/keys.kv`,
    FCN_BODY_TIMEOUT_MS: "1000",
  });
  try {
    const headers = (length: number) => ({
      "content-type": ENVELOPE_TYPE,
      "content-length": String(length),
      authorization: `Bearer ${token}`,
    });
    // Bodies that begin like a real envelope of the poly plan (its header passes the early check).
    const poly = (await (await fetch(`${server.base}${PATHS.model}`)).json()).plans
      .find((p: { encoding: string }) => p.encoding === "poly").params_hash as string;
    const begin = (path: string) => {
      const b = new Uint8Array(1000);
      b.set([0x46, 0x43, 0x4e, 0x45, 1, path === PATHS.keys ? 2 : 1, 1, 0]);
      b.set(poly.match(/../g)!.map((x) => parseInt(x, 16)), 8);
      new DataView(b.buffer).setUint32(48, 100_000 - 84, true);
      return b;
    };
    for (const path of [PATHS.classify, PATHS.keys]) {
      // The finding: a body shorter than its Content-Length was a 500 with a stack trace.
      const short = await rawRequest(server.base, path, {
        headers: headers(100_000),
        body: begin(path),
        closeWrite: true,
      });
      assert.equal(short.status, 400, `${path} short: ${short.body}`);
      assert.match(JSON.parse(short.body).error.code, /body-incomplete/);
      const huge = await rawRequest(server.base, path, { headers: headers(1e12) });
      assert.equal(huge.status, 413, `${path}: ${huge.body}`);
      assert.match(
        JSON.parse(huge.body).error.message,
        /received 1000000000000 \(Content-Length\)/,
      );
    }
    // The finding: 12 stalled uploads stayed open for more than 70 s.
    const stalled = await Promise.all(
      Array.from(
        { length: 12 },
        (_, i) =>
          rawRequest(server.base, i % 2 ? PATHS.keys : PATHS.classify, {
            headers: headers(100_000),
            body: begin(i % 2 ? PATHS.keys : PATHS.classify),
            timeoutMs: 15_000,
          }),
      ),
    );
    for (const r of stalled) {
      assert.equal(r.status, 408, r.body);
      assert.equal(JSON.parse(r.body).error.code, "body-timeout");
      // Answered at the deadline. The socket itself stays open after the answer until the
      // client sends the rest or closes (Deno 2.9.6's HTTP/1 server; the application cannot
      // close it); the answer says `connection: close`.
      assert.ok(r.ms >= 900 && r.ms < 6000, `answered after ${r.ms.toFixed(0)} ms`);
      assert.equal(r.headers.connection, "close");
    }
    assert.doesNotMatch(server.log(), /unexpected error|internal| {4}at /);
    // The server still classifies.
    const client = await HeadClient.connect(server.base, { token });
    using session = await client.session("poly");
    const net = compileModel(model);
    const x = randomInputs(4, 1, net.inputSize, net.inputMin, net.inputMax);
    assert.deepEqual((await session.classify(x, 1)).logits, evaluatePlain(net, x, 1));
  } finally {
    await server.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
