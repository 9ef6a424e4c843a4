import assert from "node:assert/strict";
import {
  batchingPrimes,
  compileModel,
  decodeEnvelope,
  encodeEnvelope,
  type Envelope,
  EnvelopeError,
  type EnvelopeErrorCode,
  type EnvelopeExpectation,
  HeContext,
  packInputs,
  packKeys,
  paramsHash,
  selectParameters,
  unpackInputs,
} from "../../../lib/he-head/mod.ts";
import { ClientKeys, encryptInputsSerialized } from "../../../lib/he-head/client.ts";
import { unpackKeys } from "../../../lib/he-head/server.ts";
import { randomHead, randomInputs } from "../../fixtures/random_model.ts";

const hash = new Uint8Array(32).fill(7);
const expect: EnvelopeExpectation = {
  kind: "ciphertexts",
  paramsHash: hash,
  maxBytes: 1 << 20,
  maxBodyBytes: 1 << 20,
  maxEntryBytes: 1 << 16,
};
const sample: Envelope = {
  kind: "ciphertexts",
  paramsHash: hash,
  moduli: 2,
  count: 2,
  queries: 3,
  entries: [
    { tag: "ciphertext", modulus: 0, bytes: new Uint8Array([1, 2, 3]) },
    { tag: "ciphertext", modulus: 0, bytes: new Uint8Array(100) },
    { tag: "ciphertext", modulus: 1, bytes: new Uint8Array([9]) },
    { tag: "constant", modulus: 1, bytes: new TextEncoder().encode("-42") },
  ],
};

async function rejects(p: Promise<unknown>, code: EnvelopeErrorCode, message?: RegExp) {
  await assert.rejects(
    p,
    (e) => e instanceof EnvelopeError && e.code === code && (!message || message.test(e.message)),
  );
}

Deno.test("envelopes round-trip, compressed or not", async () => {
  for (const compress of [true, false]) {
    const bytes = await encodeEnvelope(sample, { compress });
    const back = await decodeEnvelope(bytes, expect);
    assert.equal(back.kind, "ciphertexts");
    assert.equal(back.queries, 3);
    assert.deepEqual(
      back.entries.map((e) => [e.tag, e.modulus, Array.from(e.bytes)]),
      sample.entries.map((e) => [e.tag, e.modulus, Array.from(e.bytes)]),
    );
  }
});

Deno.test("truncated, oversized, foreign, wrong-kind, corrupted and malformed envelopes are refused", async () => {
  const bytes = await encodeEnvelope(sample);
  await rejects(decodeEnvelope(bytes.subarray(0, 20), expect), "truncated");
  await rejects(decodeEnvelope(bytes.subarray(0, bytes.length - 1), expect), "truncated");
  await rejects(decodeEnvelope(new Uint8Array([...bytes, 0]), expect), "malformed");
  await rejects(
    decodeEnvelope(bytes, { ...expect, maxBytes: 50 }),
    "oversized",
    /at most 50 bytes/,
  );
  await rejects(
    decodeEnvelope(bytes, { ...expect, paramsHash: new Uint8Array(32) }),
    "foreign-parameters",
  );
  await rejects(
    decodeEnvelope(bytes, { ...expect, kind: "keys" }),
    "wrong-kind",
    /expected an envelope of keys, received ciphertexts/,
  );
  const bad = bytes.slice();
  bad[0] = 0x47;
  await rejects(decodeEnvelope(bad, expect), "bad-magic");
  const version = bytes.slice();
  version[4] = 9;
  await rejects(decodeEnvelope(version, expect), "unsupported-version", /received 9/);
  for (const at of [10, 45, 60, bytes.length - 40, bytes.length - 1]) {
    const flipped = bytes.slice();
    flipped[at] ^= 0x10;
    await assert.rejects(decodeEnvelope(flipped, expect), EnvelopeError, `bit flip at ${at}`);
  }
  const flipped = bytes.slice();
  flipped[60] ^= 1;
  await rejects(decodeEnvelope(flipped, expect), "corrupted");
  await rejects(
    decodeEnvelope(
      await encodeEnvelope({
        ...sample,
        entries: [{ tag: "ciphertext", modulus: 5, bytes: new Uint8Array(1) }],
      }),
      expect,
    ),
    "malformed",
    /modulus index below 2/,
  );
  await rejects(
    decodeEnvelope(await encodeEnvelope(sample), { ...expect, maxEntryBytes: 10 }),
    "oversized",
    /entry 1/,
  );
});

Deno.test("an entry's reserved field must be zero (one spelling per envelope)", async () => {
  const bytes = await encodeEnvelope(sample, { compress: false });
  assert.ok(await decodeEnvelope(bytes, expect));
  for (const value of [1, 0x100, 0xffff]) {
    const flipped = bytes.slice();
    new DataView(flipped.buffer).setUint16(52 + 2, value, true);
    flipped.set(
      new Uint8Array(
        await crypto.subtle.digest("SHA-256", flipped.subarray(0, flipped.length - 32)),
      ),
      flipped.length - 32,
    );
    await rejects(
      decodeEnvelope(flipped, expect),
      "malformed",
      new RegExp(`entry 0: expected reserved bytes 0, received ${value}`),
    );
  }
});

Deno.test("a 1 MB deflate bomb of 1,000 MiB is refused at the cap in well under a second", async () => {
  // Built by streaming 1,000 MiB of zeros through the compressor, one MiB at a time.
  const zeros = new Uint8Array(1 << 20);
  const stream = new CompressionStream("deflate-raw");
  const writer = stream.writable.getWriter();
  const feeding = (async () => {
    for (let i = 0; i < 1000; i++) await writer.write(zeros);
    await writer.close();
  })();
  const body = new Uint8Array(await new Response(stream.readable).arrayBuffer());
  await feeding;
  assert.ok(body.length > 1_000_000 && body.length < 1_100_000, `${body.length} bytes`);
  const plain = await encodeEnvelope({ ...sample, entries: [] }, { compress: false });
  const bomb = new Uint8Array(52 + body.length + 32);
  bomb.set(plain.subarray(0, 52));
  bomb[7] = 1; // deflated
  new DataView(bomb.buffer).setUint32(48, body.length, true);
  bomb.set(body, 52);
  bomb.set(
    new Uint8Array(await crypto.subtle.digest("SHA-256", bomb.subarray(0, 52 + body.length))),
    52 + body.length,
  );
  const t0 = performance.now();
  await rejects(
    decodeEnvelope(bomb, { ...expect, maxBytes: 2 << 20, maxBodyBytes: 12 << 20 }),
    "oversized",
    /inflated body of at most 12582912 bytes/,
  );
  const ms = performance.now() - t0;
  // Before the fix the whole 1,000 MiB was inflated first (4.5 s in-process, over 1 GB); now it
  // takes tens of ms. The bound leaves room for a loaded machine (the suite runs in parallel).
  assert.ok(ms < 3000, `refused in ${ms.toFixed(0)} ms`);
});

Deno.test("a deflate bomb is stopped at the body limit", async () => {
  const big: Envelope = {
    ...sample,
    entries: [{ tag: "ciphertext", modulus: 0, bytes: new Uint8Array(4 << 20) }],
  };
  const bytes = await encodeEnvelope(big);
  assert.ok(bytes.length < 64 << 10, "zeros compress");
  await rejects(
    decodeEnvelope(bytes, { ...expect, maxEntryBytes: 8 << 20 }),
    "oversized",
    /inflated body/,
  );
});

Deno.test("payloads: SEAL objects are checked before SEAL loads them", async () => {
  const net = compileModel(randomHead(2, 4, 3, 2));
  const { params } = selectParameters(net, { encoding: "poly" });
  using ctx = await HeContext.create(params);
  using keys = ClientKeys.generate(ctx);
  const x = randomInputs(1, 1, 4, 0, 15);
  const cts = encryptInputsSerialized(keys, x, 1, 4);
  const ok = await packInputs(params, cts, 1);
  const good = await unpackInputs(ctx, ok, { inputs: 4, maxQueries: 1 });
  assert.equal(good.ciphertexts[0].length, 4);
  good.ciphertexts.flat().forEach((c) => c.delete());

  const limits = { inputs: 4, maxQueries: 1 };
  await rejects(
    unpackInputs(ctx, ok, { ...limits, inputs: 5 }),
    "malformed",
    /header field count \(offset 40\) = 4, expected 5/,
  );
  await rejects(
    unpackInputs(ctx, await packInputs(params, cts, 2), limits),
    "malformed",
    /header field queries \(offset 44\) = 2, expected 1 to 1/,
  );
  // Valid envelope, damaged SEAL bytes inside: SEAL header checked first, then SEAL's own checks.
  const damaged = cts.map((row) => row.map((b) => b.slice()));
  damaged[0][1][5] = 2; // compression mode
  await rejects(
    unpackInputs(ctx, await packInputs(params, damaged, 1), limits),
    "malformed",
    /compression/,
  );
  const cut = cts.map((row) => row.map((b, i) => (i === 2 ? b.subarray(0, 1000) : b)));
  await rejects(
    unpackInputs(ctx, await packInputs(params, cut, 1), limits),
    "truncated",
    /input 2/,
  );
  const garbage = cts.map((row) =>
    row.map((b, i) => (i === 3 ? b.map((v, j) => (j < 16 ? v : 0xff)) : b))
  );
  await rejects(
    unpackInputs(ctx, await packInputs(params, garbage, 1), limits),
    "malformed",
    /input 3 \(modulus 0\): expected NTT form 0, received 255/,
  );

  // A ciphertext made under other parameters (another plaintext modulus), relabelled as ours.
  const other = { params: { ...params, plainModuli: [batchingPrimes(4096, 30, 1)[0].toString()] } };
  using ctx2 = await HeContext.create(other.params);
  using keys2 = ClientKeys.generate(ctx2);
  const foreign = encryptInputsSerialized(keys2, x, 1, 4);
  await rejects(
    unpackInputs(ctx, await packInputs(other.params, foreign, 1), limits),
    "foreign-parameters",
  );
  // Same ring and primes, so the structure passes; SEAL refuses it, and its text stays out.
  await assert.rejects(
    unpackInputs(ctx, await packInputs(params, foreign, 1), limits),
    (e) =>
      e instanceof EnvelopeError && e.code === "malformed" && /SEAL refused it/.test(e.message) &&
      !/std::/.test(e.message) && /std::/.test(String((e.cause as Error)?.message)),
  );

  // Keys: real ones load; bytes that are not keys are refused.
  using ek = await unpackKeys(ctx, await packKeys(params, keys.evaluationKeys));
  assert.ok(ek.relin[0]);
  await rejects(
    unpackKeys(ctx, await packKeys(params, [{ relin: cts[0][0], galois: null }])),
    "malformed",
    /relin-keys \(modulus 0\): expected 1 to 1 key rows/,
  );
  await rejects(
    unpackKeys(ctx, await packKeys(params, [{ relin: new Uint8Array(40), galois: null }])),
    "malformed",
  );
  await rejects(unpackKeys(ctx, ok), "wrong-kind");
  assert.equal((await paramsHash(params)).length, 32);
});

Deno.test("count mismatches name the header field they checked, its offset and value", async () => {
  const net = compileModel(randomHead(2, 4, 3, 2));
  const { params } = selectParameters(net, { encoding: "poly" });
  using ctx = await HeContext.create(params);
  using keys = ClientKeys.generate(ctx);
  const cts = encryptInputsSerialized(keys, randomInputs(1, 1, 4, 0, 15), 1, 4);
  const hashOf = await paramsHash(params);
  const env = await decodeEnvelope(await packInputs(params, cts, 1), {
    ...expect,
    paramsHash: hashOf,
    maxBytes: 1 << 24,
    maxBodyBytes: 1 << 24,
    maxEntryBytes: 1 << 22,
  });
  const limits = { inputs: 4, maxQueries: 1 };
  const reencoded = (patch: Partial<Envelope>) => encodeEnvelope({ ...env, ...patch });
  // The entries are all there (4 of them); only the header's count field is wrong.
  await rejects(
    unpackInputs(ctx, await reencoded({ count: 1 }), limits),
    "malformed",
    /^header field count \(offset 40\) = 1, expected 4 \(encrypted inputs per modulus\)$/,
  );
  await rejects(
    unpackInputs(ctx, await reencoded({ moduli: 2 }), limits),
    "malformed",
    /^header field moduli \(offset 6\) = 2, expected 1$/,
  );
  await rejects(
    unpackInputs(ctx, await reencoded({ queries: 0 }), limits),
    "malformed",
    /^header field queries \(offset 44\) = 0, expected 1 to 1$/,
  );
  await rejects(
    unpackInputs(ctx, await reencoded({ entries: env.entries.slice(0, 3) }), limits),
    "malformed",
    /^body holds 3 entries, expected 4 \(header field moduli = 1 x header field count = 4/,
  );
});
