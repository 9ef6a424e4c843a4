import assert from "node:assert/strict";
import {
  batchingPrimes,
  HeContext,
  type HeParams,
  PlaintextCache,
  sealCall,
  SealError,
} from "../../../../lib/he-head/mod.ts";
import { ClientKeys, plaintextCoefficients } from "../../../../lib/he-head/client.ts";

const params: HeParams = {
  scheme: "bfv",
  encoding: "poly",
  polyModulusDegree: 4096,
  coeffModulusBits: [36, 36, 37],
  plainModuli: [batchingPrimes(4096, 20, 1)[0].toString()],
  securityLevel: 128,
};

Deno.test("monomials and constants are single-coefficient plaintexts; binary expansions are exact", async () => {
  using ctx = await HeContext.create(params);
  const m = ctx.moduli[0];
  const cache = new PlaintextCache(ctx.seal, m);
  try {
    const mono = cache.monomial(37);
    assert.equal(mono.nonzeroCoeffCount(), 1);
    assert.equal(mono.coeffCount(), 38);
    assert.deepEqual(Array.from(plaintextCoefficients(mono, ctx.seal)).slice(36), [0n, 1n]);
    assert.equal(cache.constant(-3n).nonzeroCoeffCount(), 1);
    assert.deepEqual(Array.from(plaintextCoefficients(cache.constant(-3n), ctx.seal)), [m.t - 3n]);
    const bin = cache.binary(0b1011001n);
    assert.equal(bin.nonzeroCoeffCount(), 4);
    assert.deepEqual(Array.from(plaintextCoefficients(bin, ctx.seal)), [
      1n,
      0n,
      0n,
      1n,
      1n,
      0n,
      1n,
    ]);
    assert.equal(cache.monomial(37), mono, "cached");
  } finally {
    cache.delete();
  }
});

Deno.test("a monomial multiplication spends no noise budget; a dense one does", async () => {
  using ctx = await HeContext.create(params);
  using keys = ClientKeys.generate(ctx, { relin: false });
  const m = ctx.moduli[0];
  const cache = new PlaintextCache(ctx.seal, m);
  const pt = cache.binary(5n);
  const ct = new ctx.seal.Ciphertext();
  const out = new ctx.seal.Ciphertext();
  try {
    keys.encryptor(0).encryptSymmetric(pt, ct);
    const fresh = keys.decryptor(0).invariantNoiseBudget(ct);
    m.evaluator.multiplyPlain(ct, cache.monomial(100), out);
    assert.equal(keys.decryptor(0).invariantNoiseBudget(out), fresh);
    m.evaluator.multiplyPlain(ct, cache.binary((1n << 40n) - 1n), out);
    assert.ok(keys.decryptor(0).invariantNoiseBudget(out) < fresh);
  } finally {
    ct.delete();
    out.delete();
    cache.delete();
  }
});

Deno.test("SEAL exceptions become SealError with SEAL's message", async () => {
  using ctx = await HeContext.create(params);
  const ct = new ctx.seal.Ciphertext();
  try {
    assert.throws(
      () => sealCall("load", () => ct.loadFromArray(ctx.moduli[0].context, new Uint8Array(10))),
      (e) =>
        e instanceof SealError && e.sealType === "std::invalid_argument" &&
        /load: .*insufficient size/.test(e.message),
    );
  } finally {
    ct.delete();
  }
});
