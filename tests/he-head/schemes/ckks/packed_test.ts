import assert from "node:assert/strict";
import {
  CKKS_N4096,
  CkksContext,
  compileModel,
  evaluatePlain,
  loadSeal,
  packedLayout,
  packFeatures,
  quadraticForm,
  validateCkksParams,
} from "../../../../lib/he-head/mod.ts";
import { ClientKeys, decryptPacked, encryptPacked } from "../../../../lib/he-head/client.ts";
import { EvaluationKeys, PackedHead } from "../../../../lib/he-head/server.ts";
import { randomConvNet, randomHead, randomInputs } from "../../../fixtures/random_model.ts";

Deno.test("a one-hidden-layer head is exactly a quadratic form of its inputs", () => {
  for (
    const [seed, o] of [[1, {}], [2, { sparsity: 0.7 }], [3, { zeroRow: true }], [4, {
      maxInt: 50,
    }], [5, { inputMin: -7, inputMax: 8 }]] as const
  ) {
    const net = compileModel(randomHead(seed, 9, 5, 4, o));
    const form = quadraticForm(net)!;
    const x = randomInputs(seed, 25, 9, net.inputMin, net.inputMax);
    const want = evaluatePlain(net, x, 25);
    for (let q = 0; q < 25; q++) {
      const z = packFeatures(x.subarray(q * 9, q * 9 + 9));
      for (let k = 0; k < 4; k++) {
        let s = form.constants[k];
        z.forEach((v, i) => (s += BigInt(v) * form.coefficients[k][i]));
        assert.equal(s, want[q][k], `seed ${seed} query ${q} output ${k}`);
      }
    }
  }
  assert.equal(
    quadraticForm(compileModel(randomConvNet(1))),
    null,
    "two-layer conv nets are not quadratic forms",
  );
  const cubic = randomHead(6, 4, 3, 2, {
    activation: [{ m: 1, e: 0 }, { m: 1, e: 0 }, { m: 1, e: 0 }, { m: 1, e: 0 }],
  });
  assert.equal(quadraticForm(compileModel(cubic)), null, "a cubic activation is not quadratic");
});

Deno.test("packed CKKS evaluation matches the integer head within its error bound and keeps argmax", async () => {
  using ctx = await CkksContext.create(CKKS_N4096);
  for (
    const [seed, d, h, C, o] of [[7, 32, 16, 10, {}], [8, 20, 8, 3, { sparsity: 0.8 }], [
      9,
      12,
      6,
      10,
      { zeroRow: true },
    ]] as const
  ) {
    const net = compileModel(randomHead(seed, d, h, C, o));
    const form = quadraticForm(net)!;
    const layout = packedLayout(d, C, ctx.slots, net.inputMin, net.inputMax);
    const head = PackedHead.create(ctx, form, layout);
    using keys = ClientKeys.generate(ctx, { relin: false, galoisSteps: layout.galoisSteps });
    using ek = EvaluationKeys.load(ctx, keys.evaluationKeys);
    const x = randomInputs(seed, 8, d, net.inputMin, net.inputMax);
    const want = evaluatePlain(net, x, 8);
    try {
      for (let q = 0; q < 8; q++) {
        const ct = encryptPacked(keys, x.subarray(q * d, (q + 1) * d), layout);
        const { result, hops } = head.evaluate(ct, ek.galois[0]!);
        const got = decryptPacked(keys, result, C, head.outputFactor);
        ct.delete();
        result.delete();
        assert.equal(hops.ct_ct_mul, 0);
        assert.equal(hops.rotate, layout.galoisSteps.length);
        assert.deepEqual(hops, head.hops());
        const exact = want[q].map((v) => Number(v) / 2 ** form.outputScale);
        for (let k = 0; k < C; k++) {
          assert.ok(
            Math.abs(got[k] - exact[k]) <= head.errorBound,
            `seed ${seed}: |${got[k]} - ${exact[k]}| > ${head.errorBound}`,
          );
        }
        assert.equal(got.indexOf(Math.max(...got)), exact.indexOf(Math.max(...exact)));
      }
    } finally {
      head.delete();
    }
  }
});

Deno.test("packed layout: only the steps it uses, refuses inputs that do not fit", () => {
  const l = packedLayout(32, 10, 2048, 0, 15);
  assert.deepEqual(l.galoisSteps, [1, 2, 3, 4, 8, 12, 16, 32, 64, 128, 256, 512]);
  assert.equal(l.period, 1024);
  assert.throws(() => packedLayout(64, 10, 2048, 0, 15), /needs 2144 slots for 64 inputs/);
  assert.throws(
    () => validateCkksParams({ ...CKKS_N4096, coeffModulusBits: [60, 60, 60] }),
    /at most 109 bits/,
  );
  assert.throws(() => validateCkksParams({ ...CKKS_N4096, scaleBits: 44 }), /scaleBits/);
});

Deno.test("packed evaluations keep the WASM heap flat", async () => {
  const { heapBytes } = await loadSeal();
  using ctx = await CkksContext.create(CKKS_N4096);
  const net = compileModel(randomHead(10, 16, 8, 10));
  const layout = packedLayout(16, 10, ctx.slots, 0, 15);
  const head = PackedHead.create(ctx, quadraticForm(net)!, layout);
  using keys = ClientKeys.generate(ctx, { relin: false, galoisSteps: layout.galoisSteps });
  using ek = EvaluationKeys.load(ctx, keys.evaluationKeys);
  const ct = encryptPacked(keys, randomInputs(1, 1, 16, 0, 15), layout);
  const run = () => head.evaluate(ct, ek.galois[0]!).result.delete();
  for (let i = 0; i < 20; i++) run();
  const warm = heapBytes();
  for (let i = 0; i < 200; i++) run();
  assert.equal(heapBytes(), warm);
  ct.delete();
  head.delete();
});
