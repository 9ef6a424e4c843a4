import assert from "node:assert/strict";
import {
  compileModel,
  freeResult,
  HeContext,
  loadSeal,
  packInputs,
  packResults,
  selectParameters,
  unpackInputs,
} from "../../../../lib/he-head/mod.ts";
import {
  ClientKeys,
  decryptOutputs,
  encryptInputs,
  encryptInputsSerialized,
} from "../../../../lib/he-head/client.ts";
import {
  evaluateEncrypted,
  evaluateEncryptedAsync,
  EvaluationKeys,
} from "../../../../lib/he-head/server.ts";
import { randomHead, randomInputs } from "../../../fixtures/random_model.ts";

Deno.test("1,000 encrypted evaluations keep the WASM heap flat (errors included)", async () => {
  const { heapBytes } = await loadSeal();
  const net = compileModel(randomHead(5, 4, 1, 2));
  const { params } = selectParameters(net, { encoding: "poly" });
  using ctx = await HeContext.create(params);
  using keys = ClientKeys.generate(ctx);
  using evalKeys = EvaluationKeys.load(ctx, keys.evaluationKeys);
  const inputs = encryptInputs(keys, randomInputs(1, 1, 4, 0, 15), 1, 4);
  const wire = await packInputs(
    params,
    encryptInputsSerialized(keys, randomInputs(2, 1, 4, 0, 15), 1, 4),
    1,
  );
  const round = async (i: number) => {
    const r = evaluateEncrypted(ctx, net, inputs, evalKeys);
    if (i % 50 === 0) {
      await packResults(ctx, r, 1);
      const u = await unpackInputs(ctx, wire, { inputs: 4, maxQueries: 1 });
      u.ciphertexts.flat().forEach((c) => c.delete());
    }
    freeResult(r);
    if (i % 100 === 0) {
      // Without relinearization keys the evaluation fails half-way: nothing may leak.
      assert.throws(() => evaluateEncrypted(ctx, net, inputs, null), /relinearization keys/);
      // An evaluation aborted half-way (a server timeout) frees everything too.
      const abort = new AbortController();
      const p = evaluateEncryptedAsync(ctx, net, inputs, evalKeys, { sliceMs: 0 });
      const q = evaluateEncryptedAsync(ctx, net, inputs, evalKeys, {
        sliceMs: 0,
        signal: abort.signal,
      });
      setTimeout(() => abort.abort(new Error("timeout")), 0);
      const [done, aborted] = await Promise.allSettled([p, q]);
      assert.equal(done.status, "fulfilled");
      if (done.status === "fulfilled") freeResult(done.value);
      assert.equal(aborted.status, "rejected");
      if (aborted.status === "rejected") assert.match(String(aborted.reason), /timeout/);
    }
  };
  for (let i = 0; i < 50; i++) await round(i);
  const warm = heapBytes();
  assert.ok(warm > 0, "the heap size is observable");
  for (let i = 0; i < 1000; i++) await round(i);
  assert.equal(heapBytes(), warm, `heap grew from ${warm} to ${heapBytes()} bytes`);
  inputs.flat().forEach((c) => c.delete());
});

Deno.test("consumeInputs: inputs freed by the evaluation (also on failure), same logits", async () => {
  const net = compileModel(randomHead(11, 6, 3, 2));
  const { params } = selectParameters(net, { encoding: "simd", batchSize: 4 });
  using ctx = await HeContext.create(params);
  using keys = ClientKeys.generate(ctx);
  using evalKeys = EvaluationKeys.load(ctx, keys.evaluationKeys);
  const x = randomInputs(3, 4, 6, 0, 15);
  const kept = encryptInputs(keys, x, 4, 6);
  const want = evaluateEncrypted(ctx, net, kept, evalKeys);
  const consumed = encryptInputs(keys, x, 4, 6);
  const got = evaluateEncrypted(ctx, net, consumed, evalKeys, { consumeInputs: true });
  try {
    assert.ok(consumed.flat().every((c) => c.isDeleted()), "inputs freed by the evaluation");
    assert.ok(kept.flat().every((c) => !c.isDeleted()), "inputs kept by default");
    assert.deepEqual(decryptOutputs(keys, got, 4), decryptOutputs(keys, want, 4));
  } finally {
    freeResult(want);
    freeResult(got);
    kept.flat().forEach((c) => c.delete());
  }
  // Without relinearization keys the evaluation fails half-way; the inputs are freed anyway.
  const failing = encryptInputs(keys, x, 4, 6);
  assert.throws(
    () => evaluateEncrypted(ctx, net, failing, null, { consumeInputs: true }),
    /relinearization keys/,
  );
  assert.ok(failing.flat().every((c) => c.isDeleted()));
});
