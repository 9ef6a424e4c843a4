import assert from "node:assert/strict";
import { HeadClient, ServerError } from "../../lib/client/mod.ts";
import { compileModel } from "../../lib/model/network.ts";
import { HeadService } from "../../lib/server/service.ts";
import { evaluationHeapBytes } from "../../lib/server/heap.ts";
import { OOM_EXIT_CODE } from "../../functions/config.ts";
import { randomInputs } from "../fixtures/random_model.ts";
import { serverProcess, testApp, testModel } from "./helpers.ts";

Deno.test("a request whose SEAL heap estimate does not fit the cap is 503 with Retry-After", async () => {
  const t = await testApp({ concurrency: 2 });
  try {
    const client = await HeadClient.connect("http://fcn.test", { fetch: t.fetch });
    using poly = await client.session("poly");
    const net = compileModel(t.model);
    const x = randomInputs(2, 1, net.inputSize, net.inputMin, net.inputMax);
    await poly.classify(x, 1); // its keys are now cached (and reserved)
    const cached = t.service.heap.reserved;
    assert.ok(cached > 0, "cached keys hold a reservation");
    const plan = t.service.plans.find((p) => p.name === poly.plan.name)!;
    const need = evaluationHeapBytes(plan, net, 1);
    // Other work in flight holds all but half a request's estimate.
    let release = t.service.heap.reserve(t.service.heap.free - need / 2, "other requests");
    await assert.rejects(poly.classify(x, 1), (e) => {
      assert.ok(e instanceof ServerError);
      assert.equal(e.status, 503);
      assert.equal(e.code, "insufficient-memory");
      assert.match(e.message, /needs about \d+ bytes of SEAL heap/);
      assert.equal(e.retryAfter, 2);
      return true;
    });
    release();
    // Room for one and a half requests: of two at once, one is refused before SEAL sees it.
    release = t.service.heap.reserve(t.service.heap.free - Math.floor(1.5 * need), "other");
    const both = await Promise.allSettled([poly.classify(x, 1), poly.classify(x, 1)]);
    assert.equal(both.filter((r) => r.status === "fulfilled").length, 1);
    const refused = both.find((r) => r.status === "rejected") as PromiseRejectedResult;
    assert.equal((refused.reason as ServerError).code, "insufficient-memory");
    release();
    // Every reservation is returned: what remains is the keys the cache holds.
    for (let i = 0; i < 3; i++) await poly.classify(x, 1);
    assert.ok(t.service.heap.reserved <= cached, `${t.service.heap.reserved} > ${cached}`);
  } finally {
    t.close();
  }
});

Deno.test("a heap cap below what SEAL holds at start-up is refused, naming FCN_MAX_HEAP_BYTES", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    await assert.rejects(
      HeadService.create(testModel(), kv, { maxHeapBytes: 1 << 20 }),
      /FCN_MAX_HEAP_BYTES: expected at least the \d+ bytes SEAL holds at start-up, received 1048576/,
    );
  } finally {
    kv.close();
  }
});

Deno.test("after SEAL throws std::bad_alloc the server process exits non-zero at once", async () => {
  const t0 = performance.now();
  const r = await serverProcess("oom");
  const ms = performance.now() - t0;
  assert.equal(r.code, OOM_EXIT_CODE, r.stdout + r.stderr);
  assert.match(r.stderr, /SEAL ran out of memory \(forced allocation: std::bad_alloc/);
  assert.equal(r.stdout.trim(), "", "nothing ran after the allocation failed");
  assert.ok(ms < 60_000, `${ms} ms (start-up included)`);
});

Deno.test("without a handler, SEAL calls after std::bad_alloc fail at once instead of entering SEAL", async () => {
  const code = `
    import { badAllocKeyBlob, smallBfvContext } from "./tests/functions/fixtures/bad_alloc.ts";
    import { loadSeal, sealCall, sealOutOfMemory } from "./lib/he-head/seal/runtime.ts";
    const { seal } = await loadSeal();
    const ctx = smallBfvContext(seal);
    const bytes = badAllocKeyBlob();
    const out = [];
    for (const what of ["first", "second"]) {
      try {
        sealCall(what, () => new seal.RelinKeys().loadFromArray(ctx, bytes));
      } catch (e) {
        out.push(e.message);
      }
    }
    out.push(sealOutOfMemory() !== null);
    console.log(JSON.stringify(out));
  `;
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--ext=ts", code],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const [first, second, marked] = JSON.parse(new TextDecoder().decode(r.stdout));
  assert.match(first, /^first: std::bad_alloc/);
  assert.match(second, /^second: std::bad_alloc: SEAL ran out of memory earlier in this process/);
  assert.equal(marked, true);
});
