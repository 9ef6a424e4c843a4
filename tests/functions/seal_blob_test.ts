import assert from "node:assert/strict";
import { ClientKeys } from "../../lib/he-head/seal/client/keys.ts";
import { encryptInputsSerialized } from "../../lib/he-head/schemes/bfv/client/encrypt.ts";
import { compileModel } from "../../lib/model/network.ts";
import { selectParameters } from "../../lib/he-head/schemes/bfv/select.ts";
import { CkksContext } from "../../lib/he-head/schemes/ckks/ckks_context.ts";
import { CKKS_N4096 } from "../../lib/he-head/schemes/ckks/ckks_params.ts";
import { HeContext } from "../../lib/he-head/schemes/bfv/bfv_context.ts";
import { sealRuntime } from "../../lib/he-head/seal/runtime.ts";
import { EnvelopeError } from "../../lib/he-head/wire/envelope.ts";
import { packInputs, packKeys } from "../../lib/he-head/wire/payloads.ts";
import {
  checkCiphertextBlob,
  checkKeyBlob,
  ciphertextShape,
} from "../../lib/he-head/wire/seal_blob.ts";
import { ENVELOPE_TYPE, KEY_ID_HEADER, PATHS } from "../../lib/protocol/api.ts";
import { HeadClient } from "../../lib/client/mod.ts";
import { randomHead, randomInputs } from "../fixtures/random_model.ts";
import { testApp } from "./helpers.ts";

/** Offset of a ciphertext's coefficient array header (after header, parms id and metadata). */
const ARRAY_AT = 16 + 32 + 1 + 8 * 3 + 8 + 8;

async function zlib(parts: Uint8Array[], zeroMiB = 0): Promise<Uint8Array> {
  const s = new CompressionStream("deflate");
  const w = s.writable.getWriter();
  const feeding = (async () => {
    for (const p of parts) await w.write(p as Uint8Array<ArrayBuffer>);
    const zeros = new Uint8Array(1 << 20);
    for (let i = 0; i < zeroMiB; i++) await w.write(zeros);
    await w.close();
  })();
  const out = new Uint8Array(await new Response(s.readable).arrayBuffer());
  await feeding;
  return out;
}

/**
 * The same ciphertext with its coefficient array zlib-compressed inside an uncompressed blob
 * (SEAL inflates nested objects in full before reading them), plus `zeroMiB` MiB of zeros.
 */
async function nestedCompressed(ct: Uint8Array, zeroMiB = 0): Promise<Uint8Array<ArrayBuffer>> {
  const v = new DataView(ct.buffer, ct.byteOffset, ct.byteLength);
  const size = Number(v.getBigUint64(ARRAY_AT + 8, true));
  const inner = await zlib([ct.subarray(ARRAY_AT + 16, ARRAY_AT + size)], zeroMiB);
  const tail = ct.subarray(ARRAY_AT + size);
  const out = new Uint8Array(ARRAY_AT + 16 + inner.length + tail.length);
  out.set(ct.subarray(0, ARRAY_AT + 16));
  out.set(inner, ARRAY_AT + 16);
  out.set(tail, ARRAY_AT + 16 + inner.length);
  const o = new DataView(out.buffer);
  o.setUint8(ARRAY_AT + 5, 1); // zlib
  o.setBigUint64(ARRAY_AT + 8, BigInt(16 + inner.length), true);
  o.setBigUint64(8, BigInt(out.length), true);
  return out;
}

function refuses(f: () => void, message: RegExp): void {
  assert.throws(f, (e) => e instanceof EnvelopeError && message.test(e.message));
}

Deno.test("SEAL honours compression in nested headers; the check refuses it before SEAL", async () => {
  const net = compileModel(randomHead(2, 4, 3, 2));
  const { params } = selectParameters(net, { encoding: "simd" });
  using ctx = await HeContext.create(params);
  using keys = ClientKeys.generate(ctx);
  const ct = encryptInputsSerialized(keys, randomInputs(1, 1, 4, 0, 15), 1, 4)[0][0];
  const shape = ciphertextShape(params, 2, true);
  checkCiphertextBlob(ct, shape, "input");
  const nested = await nestedCompressed(ct);
  assert.ok(nested.length < ct.length, "the nested array compresses");
  // The threat is real: SEAL itself loads the nested zlib stream (and would inflate a bomb).
  const loaded = new ctx.seal.Ciphertext();
  loaded.loadFromArray(ctx.moduli[0].context, nested);
  assert.equal(loaded.size(), 2);
  loaded.delete();
  refuses(
    () => checkCiphertextBlob(nested, shape, "input"),
    /input: expected compression "none" for the coefficient array/,
  );
});

Deno.test("every field SEAL would accept in two spellings, and every size, is checked", async () => {
  const net = compileModel(randomHead(2, 4, 3, 2));
  const { params } = selectParameters(net, { encoding: "poly" });
  using ctx = await HeContext.create(params);
  using keys = ClientKeys.generate(ctx);
  const ct = encryptInputsSerialized(keys, randomInputs(1, 1, 4, 0, 15), 1, 4)[0][0];
  const shape = ciphertextShape(params, 2, true);
  const edit = (at: number, f: (v: DataView) => void) => {
    const b = ct.slice();
    f(new DataView(b.buffer, at));
    return b;
  };
  const cases: [string, Uint8Array, RegExp][] = [
    ["minor version", edit(4, (v) => v.setUint8(0, 0)), /expected SEAL version 4\.1/],
    ["reserved", edit(6, (v) => v.setUint16(0, 1, true)), /reserved bytes of the ciphertext/],
    ["declared size", edit(8, (v) => v.setBigUint64(0, 1n << 40n, true)), /declares 1099511627776/],
    ["polynomials", edit(49, (v) => v.setBigUint64(0, 1n << 32n, true)), /2 to 2 polynomials/],
    ["ring degree", edit(57, (v) => v.setBigUint64(0, 8192n, true)), /ring degree 4096/],
    ["primes", edit(65, (v) => v.setBigUint64(0, 1n, true)), /expected 2 primes, received 1/],
    ["scale", edit(73, (v) => v.setFloat64(0, 2, true)), /expected scale 1, received 2/],
    ["correction", edit(81, (v) => v.setBigUint64(0, 2n, true)), /correction factor 1/],
    ["array count", edit(ARRAY_AT + 16, (v) => v.setBigUint64(0, 1n << 50n, true)), /coefficients/],
    ["cut", ct.subarray(0, ct.length - 1), /declares/],
  ];
  for (const [name, bytes, message] of cases) {
    assert.throws(
      () => checkCiphertextBlob(bytes, shape, "input"),
      (e) => e instanceof EnvelopeError && message.test(e.message),
      name,
    );
  }
  // Results (server -> client) are full ciphertexts: the seeded form is refused there.
  refuses(() => checkCiphertextBlob(ct, ciphertextShape(params, 3, false), "output"), /seeded/);
});

Deno.test("keys: seeded relinearisation, Galois and public keys pass; oversized rows and full keys are refused", async () => {
  using ctx = await CkksContext.create(CKKS_N4096);
  using keys = ClientKeys.generate(ctx, { relin: true, galoisSteps: [1, 2, 4] });
  const relin = keys.evaluationKeys[0].relin!;
  const galois = keys.evaluationKeys[0].galois!;
  checkKeyBlob(CKKS_N4096, "relin-keys", relin, "relin", 3);
  checkKeyBlob(CKKS_N4096, "galois-keys", galois, "galois", 3);
  refuses(() => checkKeyBlob(CKKS_N4096, "galois-keys", galois, "galois", 2), /at most 2 keys/);
  const kg = new ctx.seal.KeyGenerator(ctx.moduli[0].context);
  const pk = kg.createPublicKeySerializable();
  checkKeyBlob(
    CKKS_N4096,
    "public-key",
    new Uint8Array(pk.saveToArray(ctx.seal.ComprModeType.none)),
    "pk",
    0,
  );
  pk.delete();
  kg.delete();
  // 300 million declared rows: SEAL would reserve 3.6 GB for them before reading one (measured
  // in a scratch process: its heap grew to 3,605,004,288 bytes for this 197 KB blob).
  const rows = relin.slice();
  new DataView(rows.buffer).setBigUint64(48, 300_000_000n, true);
  refuses(
    () => checkKeyBlob(CKKS_N4096, "relin-keys", rows, "relin", 1),
    /expected 1 to 1 key rows, received 300000000/,
  );
  // The full (unseeded) spelling of the same keys is refused: keys have one spelling.
  const rk = new ctx.seal.RelinKeys();
  rk.loadFromArray(ctx.moduli[0].context, relin);
  const full = new Uint8Array(rk.saveToArray(ctx.seal.ComprModeType.none));
  rk.delete();
  refuses(() => checkKeyBlob(CKKS_N4096, "relin-keys", full, "relin", 1), /seeded form/);
});

Deno.test("a nested SEAL bomb inside an uncompressed envelope is a 400 before SEAL, on both routes", async () => {
  const t = await testApp();
  try {
    const client = await HeadClient.connect("http://fcn.test", { fetch: t.fetch });
    using session = await client.session("simd");
    const keys = session.keys as ClientKeys<HeContext>;
    const net = compileModel(t.model);
    const rows = encryptInputsSerialized(
      keys,
      randomInputs(1, 1, net.inputSize, 0, 1),
      1,
      net.inputSize,
    );
    rows[0][0] = await nestedCompressed(rows[0][0], 48);
    const inputs = await packInputs(session.plan.params, rows, 1);
    const relin = keys.evaluationKeys.map((k) => ({ ...k }));
    // The first key ciphertext of the relinearisation keys starts at 64.
    const ctAt = 64;
    const r = relin[0].relin!;
    const ctEnd = ctAt + Number(new DataView(r.buffer, r.byteOffset).getBigUint64(ctAt + 8, true));
    const bombCt = await nestedCompressed(r.subarray(ctAt, ctEnd), 100);
    const k = new Uint8Array(r.length - (ctEnd - ctAt) + bombCt.length);
    k.set(r.subarray(0, ctAt));
    k.set(bombCt, ctAt);
    k.set(r.subarray(ctEnd), ctAt + bombCt.length);
    new DataView(k.buffer).setBigUint64(8, BigInt(k.length), true);
    relin[0].relin = k;
    const heap = sealRuntime().heapBytes();
    for (
      const [path, body, headers] of [
        [PATHS.classify, inputs, { [KEY_ID_HEADER]: session.keyId! }],
        [PATHS.keys, await packKeys(session.plan.params, relin), {}],
      ] as const
    ) {
      const t0 = performance.now();
      const res = await t.fetch(`http://fcn.test${path}`, {
        method: "POST",
        headers: { "content-type": ENVELOPE_TYPE, ...headers },
        body,
      });
      const ms = performance.now() - t0;
      const e = (await res.json()).error;
      assert.equal(res.status, 400, `${path}: ${e.message}`);
      assert.match(e.message, /expected compression "none" for the coefficient array/);
      // Refused before SEAL inflates anything (the status, the message and the flat heap say so);
      // the time bound only catches a return of the inflation, with room for a loaded machine.
      assert.ok(ms < 3000, `${path}: ${ms.toFixed(0)} ms`);
    }
    assert.equal(sealRuntime().heapBytes(), heap, "SEAL never saw the bomb");
  } finally {
    t.close();
  }
});
