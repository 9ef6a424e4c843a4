/**
 * Several instances of the function over one Deno KV (issue 13 §4): two `deno serve` processes,
 * and one `deno serve --parallel` with two workers, each instance its own SEAL. Keys registered
 * through one instance are used through another; tokens, revocations and quotas are counted in
 * KV, not per process. Real processes on loopback, the committed test vectors' keys and requests,
 * answers decrypted with the committed secret key.
 */
import assert from "node:assert/strict";
import { openPlanClient } from "../../lib/he-head/client.ts";
import { compareLogits } from "../vectors/make_vector.ts";
import { issueToken, type RunningServer, startServer, TokenStore } from "../../lib/server/mod.ts";
import { ENVELOPE_TYPE, KEY_ID_HEADER, PATHS } from "../../lib/protocol/api.ts";
import {
  HEAD_FILE,
  readSecretKeys,
  readVector,
  vectorFile,
  vectorHead,
  vectorSpecs,
} from "../vectors/vectors.ts";

const { net } = await vectorHead();
const specs = await vectorSpecs(net);
/** An exact plan with keys (poly) and a second plan whose keys are another key set (simd). */
const poly = specs.find((s) => s.kind === "bfv_poly" && s.variantOf === null)!;
const simd = specs.find((s) => s.kind === "bfv_simd" && s.variantOf === null)!;
const read = (plan: string, name: string) => Deno.readFile(vectorFile(plan, name));

/** POSTs an envelope (with `client`, to pin one connection, and so one worker). */
function post(
  base: string,
  path: string,
  token: string,
  body: Uint8Array,
  o: { keyId?: string; client?: Deno.HttpClient } = {},
): Promise<Response> {
  return fetch(`${base}${path}`, {
    method: "POST",
    headers: {
      "content-type": ENVELOPE_TYPE,
      authorization: `Bearer ${token}`,
      ...(o.keyId ? { [KEY_ID_HEADER]: o.keyId } : {}),
    },
    body: body as Uint8Array<ArrayBuffer>,
    ...(o.client ? { client: o.client } : {}),
  });
}

/** Decrypts an answer to the poly vector's request with its committed secret key; asserts it. */
async function assertPolyAnswer(res: Response): Promise<void> {
  assert.equal(res.status, 200, await res.clone().text());
  const meta = await readVector(poly.name);
  using client = await openPlanClient(poly, { secretKeys: await readSecretKeys(meta) });
  const got = await client.decrypt(new Uint8Array(await res.arrayBuffer()), meta.queries);
  const want = meta.logits.map((l) => l.map(BigInt));
  assert.equal(compareLogits(got, want, meta.output_scale_log2, null), null);
}

async function withServers(
  n: number,
  workers: number,
  fn: (dir: string, servers: RunningServer[]) => Promise<void>,
) {
  const dir = await Deno.makeTempDir();
  // A queue deep enough for the burst below: it tests KV's lock, not the limiter's back-pressure.
  const env = {
    FCN_MODEL: decodeURIComponent(HEAD_FILE.pathname),
    FCN_KV: `${dir}/keys.kv`,
    FCN_MAX_QUEUE: "32",
  };
  const servers: RunningServer[] = [];
  try {
    for (let i = 0; i < n; i++) servers.push(await startServer(env, 180_000, { workers }));
    await fn(dir, servers);
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("two deno serve processes over one KV: keys registered on one are used on the other; tokens and quotas are shared", async () => {
  await withServers(2, 1, async (dir, [a, b]) => {
    const kv = `${dir}/keys.kv`;
    const token = await issueToken(kv, "shared", { queries_per_day: 2, key_sets: 1 });
    const keys = await read(poly.name, "keys.bin");
    const request = await read(poly.name, "request.bin");
    const registered = await post(a.base, PATHS.keys, token, keys);
    assert.equal(registered.status, 201, await registered.clone().text());
    const keyId = (await registered.json()).key_id as string;
    // B never saw these keys: it finds them in KV, loads them into its own SEAL and answers.
    await assertPolyAnswer(await post(b.base, PATHS.classify, token, request, { keyId }));
    // B knows they are stored (A stored them): 200, not created again.
    const again = await post(b.base, PATHS.keys, token, keys);
    assert.equal(again.status, 200);
    assert.equal((await again.json()).created, false);
    // Both write the same KV at once (request counters, key ownership): SQLite's lock is waited
    // for, never a failed request.
    const burst = await Promise.all(
      Array.from({ length: 24 }, (_, i) => post([a, b][i % 2].base, PATHS.keys, token, keys)),
    );
    for (const r of burst) assert.equal(r.status, 200, await r.text());
    // Quotas are counted in KV: one query was charged on B, one more fits on A, then none.
    await assertPolyAnswer(await post(a.base, PATHS.classify, token, request, { keyId }));
    const over = await post(b.base, PATHS.classify, token, request, { keyId });
    assert.equal(over.status, 429);
    assert.equal((await over.json()).error.code, "quota-exceeded");
    // The token's one key set is taken (on A): a second set is refused on B.
    const second = await post(b.base, PATHS.keys, token, await read(simd.name, "keys.bin"));
    assert.equal(second.status, 429, await second.clone().text());
    // A token revoked in KV is refused by both at once.
    const store = await Deno.openKv(kv);
    try {
      assert.ok(await new TokenStore(store).revoke("shared"));
    } finally {
      store.close();
    }
    for (const s of [a, b]) {
      const r = await post(s.base, PATHS.keys, token, keys);
      assert.equal(r.status, 401);
      await r.body?.cancel();
    }
  });
});

/** Opens connections until one lands on a worker other than `not`; returns it (pinned). */
async function connectionTo(base: string, not: string | null) {
  for (let i = 0; i < 64; i++) {
    const client = Deno.createHttpClient({});
    const health = await (await fetch(`${base}/healthz`, { client })).json();
    if (health.instance !== not) return { client, instance: health.instance as string };
    client.close();
  }
  throw new Error(`64 connections all reached worker ${not}: is --parallel on?`);
}

Deno.test("deno serve --parallel with two workers: keys registered through one worker are used through the other", async () => {
  await withServers(1, 2, async (dir, [server]) => {
    const token = await issueToken(`${dir}/keys.kv`, "parallel");
    const first = await connectionTo(server.base, null);
    const second = await connectionTo(server.base, first.instance);
    try {
      assert.notEqual(first.instance, second.instance, "two workers, two SEAL instances");
      const registered = await post(
        server.base,
        PATHS.keys,
        token,
        await read(poly.name, "keys.bin"),
        { client: first.client },
      );
      assert.equal(registered.status, 201, await registered.clone().text());
      const keyId = (await registered.json()).key_id as string;
      const request = await read(poly.name, "request.bin");
      // The same connection stays on its worker (checked: /healthz again on it).
      const res = await post(server.base, PATHS.classify, token, request, {
        keyId,
        client: second.client,
      });
      await assertPolyAnswer(res);
      const still = await (await fetch(`${server.base}/healthz`, { client: second.client })).json();
      assert.equal(still.instance, second.instance);
    } finally {
      first.client.close();
      second.client.close();
    }
  });
});
