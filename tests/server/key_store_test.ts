import assert from "node:assert/strict";
import { KvKeyStore, sha256Hex } from "../../lib/server/key_store.ts";

const PLAN = "ab".repeat(32);

/** A store in an in-memory KV holding 130 000 random bytes (chunks of 60 000, 60 000, 10 000). */
async function stored(): Promise<
  { kv: Deno.Kv; store: KvKeyStore; id: string; bytes: Uint8Array }
> {
  const kv = await Deno.openKv(":memory:");
  const store = new KvKeyStore(kv, 60_000);
  const bytes = new Uint8Array(130_000);
  for (let i = 0; i < bytes.length; i += 65_536) {
    crypto.getRandomValues(bytes.subarray(i, i + 65_536));
  }
  const id = await sha256Hex(bytes);
  assert.equal((await store.put(id, PLAN, bytes)).created, true);
  return { kv, store, id, bytes };
}

Deno.test("KvKeyStore: stored keys come back byte for byte", async () => {
  const { kv, store, id, bytes } = await stored();
  try {
    const got = await store.get(id);
    assert.ok(got);
    assert.equal(got.planHash, PLAN);
    assert.deepEqual(got.bytes, bytes);
  } finally {
    kv.close();
  }
});

Deno.test("KvKeyStore: a last chunk longer than stored is damaged keys (null), not a RangeError", async () => {
  const { kv, store, id } = await stored();
  try {
    // 60 000 bytes at offset 120 000 would overrun the 130 000-byte buffer.
    await kv.set(["keys", id, "chunk", 2], new Uint8Array(60_000));
    assert.equal(await store.get(id), null);
  } finally {
    kv.close();
  }
});

Deno.test("KvKeyStore: a chunk of the wrong length or type anywhere is null", async () => {
  const cases: [number, unknown][] = [
    [0, new Uint8Array(60_001)],
    [1, new Uint8Array(59_999)],
    [2, new Uint8Array(9_999)],
    [1, "not bytes"],
  ];
  for (const [i, value] of cases) {
    const { kv, store, id } = await stored();
    try {
      await kv.set(["keys", id, "chunk", i], value);
      assert.equal(await store.get(id), null, `chunk ${i}`);
    } finally {
      kv.close();
    }
  }
});

Deno.test("KvKeyStore: metadata whose chunk count disagrees with its size is null", async () => {
  const { kv, store, id } = await stored();
  try {
    const meta = (await kv.get<Record<string, unknown>>(["keys", id, "meta"])).value!;
    await kv.set(["keys", id, "meta"], { ...meta, chunks: 2 });
    assert.equal(await store.get(id), null);
    await kv.set(["keys", id, "meta"], { ...meta, size: 200_000, chunks: 3 });
    assert.equal(await store.get(id), null);
  } finally {
    kv.close();
  }
});
