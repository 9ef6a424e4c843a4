/**
 * The bad-input suite, run against the app in-process (`app.request`) and against a real server
 * on loopback: every malformed request gets the right 4xx JSON error, and the server answers the
 * next valid request correctly.
 *
 * @module
 */
import assert from "node:assert/strict";
import { HeadClient } from "../../lib/client/mod.ts";
import { ClientKeys } from "../../lib/he-head/seal/client/keys.ts";
import { encryptInputsSerialized } from "../../lib/he-head/schemes/bfv/client/encrypt.ts";
import { evaluatePlain } from "../../lib/he-head/engine/plain.ts";
import type { QuantizedModel } from "../../lib/model/format.ts";
import { compileModel } from "../../lib/model/network.ts";
import { batchingPrimes } from "../../lib/he-head/engine/primes.ts";
import { HeContext } from "../../lib/he-head/schemes/bfv/bfv_context.ts";
import type { HeParams } from "../../lib/he-head/schemes/bfv/bfv_params.ts";
import { packInputs, packKeys } from "../../lib/he-head/wire/payloads.ts";
import { ENVELOPE_TYPE, KEY_ID_HEADER, PATHS } from "../../lib/protocol/api.ts";
import { randomInputs } from "../fixtures/random_model.ts";

/** Runs every bad-input case through `fetcher` against `base`. */
export async function runBadInputSuite(
  fetcher: typeof fetch,
  base: string,
  model: QuantizedModel,
  oversize: number,
): Promise<void> {
  const client = await HeadClient.connect(base, { fetch: fetcher });
  using session = await client.session("poly");
  const net = compileModel(model);
  const params = session.plan.params as HeParams;
  const keys = session.keys as ClientKeys<HeContext>;
  const x = randomInputs(5, 1, net.inputSize, net.inputMin, net.inputMax);
  const valid = await packInputs(
    params,
    encryptInputsSerialized(keys, x, 1, net.inputSize),
    1,
  );
  const send = (
    path: string,
    body: BodyInit | null,
    headers: Record<string, string>,
    method = "POST",
  ) => fetcher(new URL(path, base), { method, body, headers });
  const post = (body: BodyInit | null, headers: Record<string, string> = {}) =>
    send(PATHS.classify, body, {
      "content-type": ENVELOPE_TYPE,
      [KEY_ID_HEADER]: session.keyId!,
      ...headers,
    });
  const flipped = valid.slice();
  flipped[valid.length >> 1] ^= 4;
  const other = {
    ...params,
    plainModuli: [batchingPrimes(params.polyModulusDegree, 25, 1)[0].toString()],
  };
  using otherCtx = await HeContext.create(other);
  using otherKeys = ClientKeys.generate(otherCtx);
  const foreign = await packInputs(
    other,
    encryptInputsSerialized(otherKeys, x, 1, net.inputSize),
    1,
  );
  const short = await packInputs(
    params,
    encryptInputsSerialized(keys, x.subarray(0, 5), 1, 5),
    1,
  );
  const fakeKeys = await packKeys(params, [{
    relin: encryptInputsSerialized(keys, x, 1, net.inputSize)[0][0],
    galois: null,
  }]);
  // A valid ciphertext switched one level down: well formed, but not what a client sends.
  const lowered = await (async () => {
    using ctx = await HeContext.create(params);
    const rows = encryptInputsSerialized(keys, x, 1, net.inputSize).map((row, m) =>
      row.map((b, i) => {
        if (i !== 0) return b;
        const ct = new ctx.seal.Ciphertext();
        ct.loadFromArray(ctx.moduli[m].context, b);
        ctx.moduli[m].evaluator.cipherModSwitchToNextInplace(ct);
        const out = new Uint8Array(ct.saveToArray(ctx.seal.ComprModeType.none));
        ct.delete();
        return out;
      })
    );
    return await packInputs(params, rows, 1);
  })();
  const cases: [string, () => Promise<Response>, number, string][] = [
    ["empty body", () => post(new Uint8Array(0)), 400, "empty-body"],
    ["truncated", () => post(valid.subarray(0, valid.length - 100)), 400, "envelope-truncated"],
    ["bit-flipped", () => post(flipped), 400, "envelope-corrupted"],
    ["other parameters", () => post(foreign), 422, "unknown-plan"],
    ["wrong feature count", () => post(short), 400, "envelope-malformed"],
    ["oversized", () => post(new Uint8Array(oversize + 10)), 413, "body-too-large"],
    [
      "wrong content type",
      () => post(valid, { "content-type": "application/json" }),
      415,
      "unsupported-media-type",
    ],
    [
      "unknown key id",
      () => post(valid, { [KEY_ID_HEADER]: "ab".repeat(32) }),
      404,
      "unknown-key-id",
    ],
    [
      "no key id",
      () => send(PATHS.classify, valid, { "content-type": ENVELOPE_TYPE }),
      400,
      "missing-key-id",
    ],
    ["garbage", () => post(new Uint8Array(5000).fill(7)), 400, "envelope-bad-magic"],
    [
      "inputs posted as keys",
      () => send(PATHS.keys, valid, { "content-type": ENVELOPE_TYPE }),
      400,
      "envelope-wrong-kind",
    ],
    [
      "keys that are not keys",
      () => send(PATHS.keys, fakeKeys, { "content-type": ENVELOPE_TYPE }),
      400,
      "envelope-malformed",
    ],
    ["GET on classify", () => send(PATHS.classify, null, {}, "GET"), 404, "not-found"],
    [
      "multipart that does not parse",
      () =>
        send(PATHS.classify, "--x\r\ngarbage", {
          "content-type": "multipart/form-data; boundary=zzz",
        }),
      400,
      "bad-multipart",
    ],
    ["a ciphertext below the top level", () => post(lowered), 400, "envelope-malformed"],
  ];
  for (const [name, request, status, code] of cases) {
    const res = await request();
    const body = await res.json();
    assert.equal(res.status, status, `${name}: ${JSON.stringify(body)}`);
    assert.equal(body.error.code, code, `${name}: ${body.error.message}`);
    assert.ok(body.error.message.length > 10, `${name}: the message says what was expected`);
    const ok = await post(valid);
    assert.equal(ok.status, 200, `a valid request after "${name}"`);
    await ok.arrayBuffer();
  }
  assert.deepEqual((await session.classify(x, 1)).logits, evaluatePlain(net, x, 1));
}
