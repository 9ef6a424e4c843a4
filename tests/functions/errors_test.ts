import assert from "node:assert/strict";
import { HeadClient } from "../../lib/client/mod.ts";
import { ClientKeys } from "../../lib/he-head/seal/client/keys.ts";
import { encryptInputsSerialized } from "../../lib/he-head/schemes/bfv/client/encrypt.ts";
import { compileModel } from "../../lib/model/network.ts";
import { batchingPrimes } from "../../lib/he-head/engine/primes.ts";
import type { HeParams } from "../../lib/he-head/schemes/bfv/bfv_params.ts";
import { HeContext } from "../../lib/he-head/schemes/bfv/bfv_context.ts";
import { packInputs } from "../../lib/he-head/wire/payloads.ts";
import { ENVELOPE_TYPE, KEY_ID_HEADER, PATHS } from "../../lib/protocol/api.ts";
import { randomInputs } from "../fixtures/random_model.ts";
import { testApp } from "./helpers.ts";

/** Runs `f` with console.error captured; returns what was logged. */
async function logged(f: () => Promise<void>): Promise<string> {
  const original = console.error;
  let text = "";
  console.error = (...args: unknown[]) => {
    text += args.map((a) => (a instanceof Error ? `${a.message} ${a.cause ?? ""}` : String(a)))
      .join(" ") + "\n";
  };
  try {
    await f();
  } finally {
    console.error = original;
  }
  return text;
}

Deno.test("SEAL's own error text is logged, not sent: the answer names what was expected", async () => {
  const t = await testApp();
  try {
    const client = await HeadClient.connect("http://fcn.test", { fetch: t.fetch });
    using session = await client.session("simd");
    const params = session.plan.params as HeParams;
    // Same ring and primes, other plaintext moduli: every structural check passes, SEAL refuses.
    const other = {
      ...params,
      plainModuli: params.plainModuli.map((_, i) =>
        batchingPrimes(params.polyModulusDegree, 24, i + 1)[i].toString()
      ),
    };
    using ctx = await HeContext.create(other);
    using keys = ClientKeys.generate(ctx);
    const net = compileModel(t.model);
    const x = randomInputs(1, 1, net.inputSize, net.inputMin, net.inputMax);
    const body = await packInputs(params, encryptInputsSerialized(keys, x, 1, net.inputSize), 1);
    let answer: { status: number; message: string } | null = null;
    const log = await logged(async () => {
      const res = await t.fetch(`http://fcn.test${PATHS.classify}`, {
        method: "POST",
        headers: { "content-type": ENVELOPE_TYPE, [KEY_ID_HEADER]: session.keyId! },
        body,
      });
      answer = { status: res.status, message: (await res.json()).error.message };
    });
    const a = answer!;
    assert.equal(a.status, 400);
    assert.match(a.message, /expected a ciphertext valid for these parameters, SEAL refused it/);
    assert.doesNotMatch(a.message, /std::|logic_error|invalid_argument/);
    assert.match(log, /std::/, "SEAL's text is in the server log");
  } finally {
    t.close();
  }
});

Deno.test("an unexpected failure is a 503 with Retry-After and no internals, logged server-side", async () => {
  const t = await testApp({ auth: true });
  try {
    t.kv.close(); // the store goes away under the server
    let res: Response | null = null;
    const log = await logged(async () => {
      res = await t.fetch(`http://fcn.test${PATHS.keys}`, {
        method: "POST",
        headers: { "content-type": ENVELOPE_TYPE },
        body: new Uint8Array(10),
      });
    });
    const r = res! as Response;
    const e = (await r.json()).error;
    assert.equal(r.status, 503);
    assert.equal(e.code, "internal");
    assert.equal(r.headers.get("retry-after"), "5");
    assert.doesNotMatch(JSON.stringify(e), /at |\.ts|Error/);
    assert.match(log, /unexpected error/);
  } finally {
    t.service.close();
  }
});

Deno.test("/healthz exercises SEAL within its deadline", async () => {
  const t = await testApp();
  try {
    const res = await t.app.request(PATHS.health);
    const h = await res.json();
    assert.equal(res.status, 200);
    assert.equal(h.status, "ok");
    assert.equal(h.seal_probe.ok, true);
    assert.ok(h.seal_probe.ms >= 0 && h.seal_probe.ms < 2000);
    assert.ok(h.heap_cap_bytes > h.heap_bytes);
  } finally {
    t.close();
  }
});

Deno.test("/healthz is 503 with Retry-After once SEAL has failed (no exit handler installed)", async () => {
  const code = `
    import { testApp } from "./tests/functions/helpers.ts";
    import { badAllocKeyBlob, smallBfvContext } from "./tests/functions/fixtures/bad_alloc.ts";
    import { loadSeal, sealCall } from "./lib/he-head/seal/runtime.ts";
    const t = await testApp();
    const { seal } = await loadSeal();
    const ctx = smallBfvContext(seal);
    const bytes = badAllocKeyBlob();
    try { sealCall("forced", () => new seal.RelinKeys().loadFromArray(ctx, bytes)); } catch {}
    const res = await t.app.request("/healthz");
    console.log(JSON.stringify({ status: res.status, retry: res.headers.get("retry-after"), body: await res.json() }));
    Deno.exit(0);
  `;
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--ext=ts", code],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const out = JSON.parse(new TextDecoder().decode(r.stdout).trim().split("\n").pop()!);
  assert.equal(out.status, 503);
  assert.equal(out.retry, "10");
  assert.equal(out.body.status, "unhealthy");
  assert.match(out.body.seal_probe.error, /SEAL ran out of memory/);
});
