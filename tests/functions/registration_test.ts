import assert from "node:assert/strict";
import { HeadClient } from "../../lib/client/mod.ts";
import { packKeys } from "../../lib/he-head/wire/payloads.ts";
import { ENVELOPE_TYPE, PATHS } from "../../lib/protocol/api.ts";
import { testApp } from "./helpers.ts";

Deno.test("key registration runs under the evaluation limiter and the request deadline", async () => {
  const t = await testApp({ concurrency: 1, queue: 1, timeoutMs: 3000 });
  try {
    const client = await HeadClient.connect("http://fcn.test", { fetch: t.fetch });
    using session = await client.session("poly");
    const body = await packKeys(session.plan.params, session.keys.evaluationKeys);
    const register = () =>
      t.fetch(`http://fcn.test${PATHS.keys}`, {
        method: "POST",
        headers: { "content-type": ENVELOPE_TYPE },
        body,
      });
    // An evaluation holds the only slot for 8 s; the request deadline is 3 s (generous for the
    // checks a registration makes before it queues, on a loaded machine).
    const busy = t.service.limiter.run(() => new Promise((r) => setTimeout(r, 8000)));
    const t0 = performance.now();
    const waited = register(); // waits in the queue...
    while (t.service.limiter.load.waiting < 1 && performance.now() - t0 < 3000) {
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(t.service.limiter.load.waiting, 1, "the first registration queued");
    const refused = await register(); // ...so this one finds the queue full
    assert.equal(refused.status, 503);
    assert.equal((await refused.json()).error.code, "busy");
    assert.ok(refused.headers.get("retry-after"));
    const late = await waited;
    assert.equal(late.status, 503, "its deadline passed while it waited");
    assert.equal((await late.json()).error.code, "timeout");
    assert.ok(performance.now() - t0 < 7500, "refused at the deadline, not when the slot freed");
    await busy;
    assert.equal((await register()).status, 200, "registered once the slot is free");
  } finally {
    t.close();
  }
});
