import assert from "node:assert/strict";
import { ENVELOPE_TYPE, PATHS } from "../../lib/protocol/api.ts";
import { readConfig } from "../../functions/config.ts";
import { HeadService } from "../../lib/server/service.ts";
import { testApp, testModel, UNLIMITED, withToken } from "./helpers.ts";

type App = Awaited<ReturnType<typeof testApp>>;

/** A 52-byte envelope header: kind 1 ciphertexts, 2 keys; `total` bytes in all. */
function header(hash: string, total: number, o: { kind?: number; version?: number } = {}) {
  const h = new Uint8Array(52);
  h.set([0x46, 0x43, 0x4e, 0x45, o.version ?? 1, o.kind ?? 1, 1, 0]);
  h.set(hash.match(/../g)!.map((x) => parseInt(x, 16)), 8);
  const v = new DataView(h.buffer);
  v.setUint32(40, 1, true);
  v.setUint32(44, 1, true);
  v.setUint32(48, total - 84, true);
  return h;
}

/** Posts `first`, then stalls; resolves with the answer and how long it took. */
async function stalledPost(
  fetch: typeof globalThis.fetch,
  path: string,
  first: Uint8Array,
  contentLength: number,
) {
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(first);
    },
    pull: () => new Promise(() => {}),
  });
  const t0 = performance.now();
  const res = await fetch(`http://fcn.test${path}`, {
    method: "POST",
    headers: { "content-type": ENVELOPE_TYPE, "content-length": String(contentLength) },
    body,
  });
  const json = await res.json();
  return { status: res.status, res, error: json.error, ms: performance.now() - t0 };
}

async function hashes(t: App): Promise<{ name: string; hash: string }[]> {
  const m = await (await t.app.request(PATHS.model)).json();
  const plans = [...m.plans, ...m.plans.map((p: { flooded?: unknown }) => p.flooded)];
  return plans.filter(Boolean).map((p: { name: string; params_hash: string }) => ({
    name: p.name,
    hash: p.params_hash,
  }));
}

Deno.test("the envelope header is checked as soon as its 52 bytes arrive, with the codes of the whole body", async () => {
  const t = await testApp({ bodyTimeoutMs: 1500 });
  try {
    const plans = await hashes(t);
    const [p] = plans;
    const ok = header(p.hash, 5000);
    const cases: [string, string, Uint8Array, number, number, string][] = [
      ["bad magic", PATHS.classify, new Uint8Array(52).fill(7), 5000, 400, "envelope-bad-magic"],
      [
        "version",
        PATHS.classify,
        header(p.hash, 5000, { version: 2 }),
        5000,
        400,
        "envelope-unsupported-version",
      ],
      [
        "keys to classify",
        PATHS.classify,
        header(p.hash, 5000, { kind: 2 }),
        5000,
        400,
        "envelope-wrong-kind",
      ],
      ["inputs to keys", PATHS.keys, ok, 5000, 400, "envelope-wrong-kind"],
      ["unknown plan", PATHS.classify, header("ab".repeat(32), 5000), 5000, 422, "unknown-plan"],
      ["longer than Content-Length", PATHS.classify, ok, 4000, 400, "envelope-truncated"],
      ["shorter than Content-Length", PATHS.classify, ok, 6000, 400, "envelope-malformed"],
    ];
    for (const [name, path, first, length, status, code] of cases) {
      const r = await stalledPost(t.fetch, path, first, length);
      assert.equal(r.status, status, `${name}: ${JSON.stringify(r.error)}`);
      assert.equal(r.error.code, code, name);
      assert.ok(r.ms < 1000, `${name}: answered after ${r.ms.toFixed(0)} ms, not at once`);
      assert.equal(r.res.headers.get("connection"), "close", name);
    }
    // Each plan's own limit: a small plan may not declare the largest plan's body.
    const max = t.service.maxBodyBytes;
    const answers = await Promise.all(
      plans.map((q) => stalledPost(t.fetch, PATHS.classify, header(q.hash, max), max)),
    );
    const refused = answers.filter((r) => r.status === 413);
    assert.ok(refused.length >= 1, "some plan is smaller than the largest");
    for (const r of refused) {
      assert.equal(r.error.code, "envelope-oversized");
      assert.match(r.error.message, /envelope of at most (\d+) bytes, received \d+ \(its declared/);
      const own = Number(/at most (\d+)/.exec(r.error.message)![1]);
      assert.ok(own < max, `${own} < ${max}`);
      assert.ok(r.ms < 1000);
    }
    // The largest plan's uploads are admitted and stall until the body deadline.
    assert.ok(answers.some((r) => r.status === 408 && r.error.code === "body-timeout"));
  } finally {
    t.close();
  }
});

Deno.test("stalled uploads beyond the per-token count (429) or the global byte cap (503) are refused at once", async () => {
  const probe = await testApp();
  const largest = probe.service.maxBodyBytes + probe.service.maxKeyBytes;
  probe.close();
  const t = await testApp({
    auth: true,
    bodyTimeoutMs: 2000,
    maxUploadsPerToken: 2,
    maxInflightBodyBytes: largest,
  });
  try {
    const fetchOf = async (name: string) => {
      const { token } = await t.service.tokens.create(name, UNLIMITED);
      return withToken((r) => Promise.resolve(t.app.request(r as Request)), token);
    };
    const [a, b, c] = [await fetchOf("a"), await fetchOf("b"), await fetchOf("c")];
    const plans = await hashes(t);
    const small = (f: typeof fetch) =>
      stalledPost(f, PATHS.classify, header(plans[0].hash, 2000), 2000);
    // Token a: two uploads in progress, the third is 429 at once.
    const aStalled = [small(a), small(a)];
    await new Promise((r) => setTimeout(r, 100));
    const third = await small(a);
    assert.equal(third.status, 429, JSON.stringify(third.error));
    assert.equal(third.error.code, "too-many-uploads");
    assert.match(third.error.message, /at most 2 uploads in progress per token, this would be 3/);
    assert.ok(third.res.headers.get("retry-after"));
    assert.ok(third.ms < 1000);
    // Token b: a body of most of the cap is admitted (stalls); token c's is 503 at once.
    const bytes = t.service.maxBodyBytes;
    const bStalled = stalledPost(b, PATHS.classify, new Uint8Array(10), bytes);
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(t.service.uploads.load, { bytes: 4000 + bytes, uploads: 3 });
    // A key upload of the largest size: over the cap whichever of bodies and keys is larger
    // (bfv_wide's n = 8192 Galois keys outweigh every request).
    const cRefused = await stalledPost(c, PATHS.keys, new Uint8Array(10), t.service.maxKeyBytes);
    assert.equal(cRefused.status, 503, JSON.stringify(cRefused.error));
    assert.equal(cRefused.error.code, "uploads-busy");
    assert.ok(cRefused.res.headers.get("retry-after"));
    assert.ok(cRefused.ms < 1000);
    // At the body deadline the stalled uploads end (408) and release what they held.
    for (const r of await Promise.all([...aStalled, bStalled])) assert.equal(r.status, 408);
    assert.deepEqual(t.service.uploads.load, { bytes: 0, uploads: 0 });
    const again = await small(a);
    assert.equal(again.status, 408, "admitted again");
  } finally {
    t.close();
  }
});

Deno.test("upload limits: read from the environment, and a global cap below the largest body stops start-up", async () => {
  const c = readConfig((n) =>
    ({ FCN_MAX_INFLIGHT_BODY_BYTES: "100000000", FCN_MAX_UPLOADS_PER_TOKEN: "3" })[n]
  );
  assert.equal(c.service.maxInflightBodyBytes, 100_000_000);
  assert.equal(c.service.maxUploadsPerToken, 3);
  const kv = await Deno.openKv(":memory:");
  try {
    await assert.rejects(
      HeadService.create(testModel(), kv, { maxInflightBodyBytes: 1000 }),
      /FCN_MAX_INFLIGHT_BODY_BYTES: expected at least the largest body \(\d+ bytes: inputs and keys\), received 1000/,
    );
  } finally {
    kv.close();
  }
});
