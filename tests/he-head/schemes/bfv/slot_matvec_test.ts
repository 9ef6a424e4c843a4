import assert from "node:assert/strict";
import { compileModel, readModel } from "../../../../lib/model/mod.ts";
import { evaluatePlain } from "../../../../lib/he-head/engine/plain.ts";
import { outputMagnitudeBound } from "../../../../lib/he-head/engine/output_bound.ts";
import { zeroHops } from "../../../../lib/he-head/engine/hops.ts";
import { BfvPackedContext } from "../../../../lib/he-head/schemes/bfv/packed_context.ts";
import { packedNoiseBound } from "../../../../lib/he-head/schemes/bfv/packed_noise.ts";
import { smallestBatchingPrime } from "../../../../lib/he-head/schemes/bfv/packed_params.ts";
import {
  arrangeSlots,
  classOwner,
  interleavedLayout,
  readOutputs,
  shareSlots,
  slotLayoutRotations,
  slotMatVecPlaintexts,
  zeroSumMask,
} from "../../../../lib/he-head/schemes/bfv/slot_layout.ts";
import { uniformBelow } from "../../../../lib/he-head/schemes/bfv/server/circuit_privacy.ts";
import { BfvSlotMatVec } from "../../../../lib/he-head/schemes/bfv/server/slot_matvec.ts";
import {
  packFeatures,
  quadraticForm,
} from "../../../../lib/he-head/schemes/ckks/quadratic_form.ts";

/** The demo head's rows `[coefficients, constant]` and a packed context for it (n = 4096). */
async function demoHead() {
  const net = compileModel(await readModel("models/head/uci_digits.json"));
  const form = quadraticForm(net)!;
  const rows = form.coefficients.map((r, k) => [...r, form.constants[k]]);
  const n = 4096;
  const t = smallestBatchingPrime(n, 2n * outputMagnitudeBound(net) + 1n);
  const ctx = await BfvPackedContext.create({
    scheme: "bfv",
    encoding: "packed",
    polyModulusDegree: n,
    coeffModulusBits: [45, 45, 19],
    plainModulus: t.toString(),
    securityLevel: 128,
  });
  return { net, rows, n, t, ctx };
}

/** Keys of a fresh secret key in `ctx` (Galois keys for `steps`) and scratch; `free()` frees all. */
function demoKeys(ctx: BfvPackedContext, steps: readonly number[]) {
  const { seal } = ctx;
  const keygen = new seal.KeyGenerator(ctx.context);
  const secret = keygen.secretKey();
  const pk = keygen.createPublicKey();
  const encryptor = new seal.Encryptor(ctx.context, pk, secret);
  const decryptor = new seal.Decryptor(ctx.context, secret);
  const keys = keygen.createGaloisKeysWithSteps(Int32Array.from(steps));
  const pt = new seal.Plaintext(), ct = new seal.Ciphertext();
  const free = () =>
    [pt, ct, keys, decryptor, encryptor, pk, secret, keygen].forEach((o) => o.delete());
  return { encryptor, decryptor, keys, pt, ct, free };
}

Deno.test("interleaved layout of the demo head: 1225 columns, 10 outputs, 5 groups, 12 rotations, 9 keys", () => {
  const l = interleavedLayout(1225, 10, 4096);
  assert.equal(l.stride, 16);
  assert.equal(l.groups, 5);
  assert.equal(slotLayoutRotations(l), 12);
  assert.deepEqual(l.galoisSteps, [0, 1, 16, 32, 64, 128, 256, 512, 1024]);
  assert.throws(() => interleavedLayout(5000, 10, 4096), RangeError);
});

Deno.test("the group plaintexts use each nonzero matrix entry once, and refuse an arrangement that misses one", () => {
  const l = interleavedLayout(300, 3, 4096);
  const rows = [0, 1, 2].map((k) =>
    Array.from({ length: 300 }, (_, c) => BigInt(k * 1000 + c + 1))
  );
  const groups = slotMatVecPlaintexts(rows, l, 65537n);
  const nonzero = groups.reduce((a, g) => a + (g?.filter((v) => v !== 0n).length ?? 0), 0);
  assert.equal(nonzero, 900);
  assert.throws(
    () => slotMatVecPlaintexts(rows, l, 65537n, (r, p) => (r === 0 && p === 0 ? -1 : 0)),
    /does not reach entry/,
  );
});

Deno.test("the demo head's slot product is exact at the extreme inputs, spare slots hold copies or 0, and SEAL's budget is above the worst-case bound", async () => {
  const demo = await demoHead();
  using ctx = demo.ctx;
  const { net, rows, n, t } = demo;
  const layout = interleavedLayout(rows[0].length, rows.length, n);
  const bound = packedNoiseBound(layout, n, ctx.dataModulus.primes, ctx.specialPrime, t);
  assert.ok(bound.marginBits > 0 && bound.responseMarginBits > 0, JSON.stringify(bound));
  assert.equal(bound.responsePrimesDropped, 1);
  const product = BfvSlotMatVec.create(ctx, rows, layout);
  const { encryptor, decryptor, keys, pt, ct, free } = demoKeys(ctx, layout.galoisSteps);
  try {
    const { inputMin: lo, inputMax: hi } = net;
    const inputs = [
      new Array(48).fill(hi),
      new Array(48).fill(lo),
      Array.from({ length: 48 }, (_, i) => (i % 2 ? hi : lo)),
      Array.from({ length: 48 }, (_, i) => (i * 7919) % (hi - lo + 1) + lo),
    ];
    for (const x of inputs) {
      const want = evaluatePlain(net, x, 1)[0];
      ctx.encoder.encode(arrangeSlots([...packFeatures(x), 1], layout, t), pt);
      encryptor.encryptSymmetric(pt, ct);
      const hops = zeroHops();
      const out = product.apply(ct, keys, hops);
      try {
        assert.equal(hops.rotate, 12);
        assert.equal(hops.plain_mul_dense, 5);
        const top = decryptor.invariantNoiseBudget(out);
        assert.ok(top + 1 >= bound.marginBits, `budget ${top} under the bound ${bound.marginBits}`);
        ctx.evaluator.cipherModSwitchToNextInplace(out);
        const answer = decryptor.invariantNoiseBudget(out);
        assert.ok(answer + 1 >= bound.responseMarginBits && answer > 0, `answer budget ${answer}`);
        decryptor.decrypt(out, pt);
        const slots = ctx.encoder.decodeBigInt64(pt) as BigInt64Array;
        for (let s = 0; s < n; s++) {
          const k = s % layout.stride;
          assert.equal(slots[s], k < 10 ? want[k] : 0n, `slot ${s} (x = ${x.slice(0, 4)}...)`);
        }
      } finally {
        out.delete();
      }
    }
  } finally {
    free();
    product.delete();
  }
});

Deno.test("without server sums: 3 rotations and one key; the answer's slots are fresh additive shares of the logits", async () => {
  const demo = await demoHead();
  using ctx = demo.ctx;
  const { net, rows, n, t } = demo;
  const layout = interleavedLayout(rows[0].length, rows.length, n, { serverSums: false });
  // 64 classes of 64 slots; output k's shares in 5 classes, read through 4 groups (20 blocks).
  assert.deepEqual([layout.stride, layout.groups, layout.perOutput], [64, 4, 5]);
  assert.equal(slotLayoutRotations(layout), 3);
  assert.deepEqual(layout.galoisSteps, [1]);
  const bound = packedNoiseBound(layout, n, ctx.dataModulus.primes, ctx.specialPrime, t);
  assert.ok(bound.marginBits > 12 && bound.responseMarginBits > 4, JSON.stringify(bound));
  const product = BfvSlotMatVec.create(ctx, rows, layout);
  const { encryptor, decryptor, keys, pt, ct, free } = demoKeys(ctx, layout.galoisSteps);
  try {
    const x = new Array(48).fill(net.inputMax);
    const want = evaluatePlain(net, x, 1)[0];
    ctx.encoder.encode(arrangeSlots([...packFeatures(x), 1], layout, t), pt);
    encryptor.encryptSymmetric(pt, ct);
    const answers: BigInt64Array[] = [];
    for (let round = 0; round < 2; round++) {
      const out = product.apply(ct, keys);
      try {
        product.maskShares(out);
        ctx.evaluator.cipherModSwitchToNextInplace(out);
        const budget = decryptor.invariantNoiseBudget(out);
        assert.ok(budget + 1 >= bound.responseMarginBits && budget > 0, `answer budget ${budget}`);
        decryptor.decrypt(out, pt);
        const slots = ctx.encoder.decodeBigInt64(pt) as BigInt64Array;
        assert.deepEqual(readOutputs(slots, layout, t), want);
        answers.push(slots);
      } finally {
        out.delete();
      }
    }
    // Every output's classes sum to its logit, but the slots themselves are fresh each time: of
    // the 4096 slots, all but a handful differ between the two answers of the same query.
    const same = answers[0].filter((v, s) => v === answers[1][s]).length;
    assert.ok(same < 8, `${same} slots equal in two answers`);
    // r = 5 classes per output: no class's own sum is its partial dot product (the unmasked
    // answer's), and each class sum changes between the two answers; spare classes are uniform.
    const unmasked = product.apply(ct, keys);
    let partial: BigInt64Array;
    try {
      ctx.evaluator.cipherModSwitchToNextInplace(unmasked);
      decryptor.decrypt(unmasked, pt);
      partial = ctx.encoder.decodeBigInt64(pt) as BigInt64Array;
    } finally {
      unmasked.delete();
    }
    assert.deepEqual(readOutputs(partial, layout, t), want);
    const [a, b, p] = [answers[0], answers[1], partial].map((v) => classSums(v, layout.stride, t));
    const owned = [...a.keys()].filter((c) => classOwner(layout, c) >= 0);
    assert.equal(owned.length, 50);
    assert.ok(owned.filter((c) => p[c] !== 0n).length > 40, "the partial sums are not trivial");
    assert.ok(owned.filter((c) => a[c] === p[c]).length < 2, "masked class sums hide the partials");
    assert.ok(owned.filter((c) => a[c] === b[c]).length < 2, "class sums are fresh per answer");
    const spare = [...a.keys()].filter((c) => classOwner(layout, c) < 0);
    assert.ok(spare.length > 0);
    assert.ok(spare.filter((c) => a[c] === 0n).length < 2, "spare classes are uniform, not 0");
  } finally {
    free();
    product.delete();
  }
});

/** Each residue class's slot sum mod `t` (in `[0, t)`). */
function classSums(slots: ArrayLike<bigint>, stride: number, t: bigint): bigint[] {
  const sums = new Array<bigint>(stride).fill(0n);
  for (let s = 0; s < slots.length; s++) sums[s % stride] += slots[s];
  return sums.map((v) => ((v % t) + t) % t);
}

Deno.test("the zero-sum mask (r = 7 classes per output): uniform slots, 0 per output, every class sum uniform", () => {
  const l = interleavedLayout(2048, 10, 4096, { serverSums: false });
  assert.equal(l.perOutput, 7);
  const t = 398491649n;
  const masks = [0, 1].map(() => zeroSumMask(l, t, uniformBelow));
  for (const mask of masks) {
    assert.equal(mask.length, 4096);
    assert.ok(mask.every((v) => v >= 0n && v < t));
    assert.equal(new Set(mask).size > 4000, true, "distinct values");
    assert.deepEqual(readOutputs(mask, l, t), new Array(10).fill(0n));
  }
  // A single class's sum is not 0 (it would be with a per-class zero sum) and differs per mask.
  const [a, b] = masks.map((m) => classSums(m, l.stride, t));
  const used = [...a.keys()].filter((c) => classOwner(l, c) >= 0);
  assert.equal(used.length, 70);
  assert.ok(used.filter((c) => a[c] === 0n).length < 2, "class sums are not 0");
  assert.ok(used.filter((c) => a[c] === b[c]).length < 2, "class sums are fresh");
  // Adding the mask to the shares of known outputs keeps the outputs exact.
  const y = Array.from({ length: 10 }, (_, k) => BigInt(k * 1000 - 4321));
  const plainAnswer = new Array<bigint>(4096).fill(0n);
  for (let k = 0; k < 10; k++) {
    plainAnswer[[...Array(l.stride).keys()].find((c) => classOwner(l, c) === k)!] = y[k];
  }
  assert.deepEqual(readOutputs(plainAnswer.map((v, s) => v + masks[0][s]), l, t), y);
});

Deno.test("shareSlots: owners' slots sum to their targets, refuses a nonzero target with no slot", () => {
  const t = 65537n;
  const v = shareSlots(uniformBelow(t, 12), (s) => (s < 9 ? s % 3 : -1), [5n, -7n, 0n], t);
  const sums = [0n, 0n, 0n];
  v.forEach((x, s) => s < 9 && (sums[s % 3] += x));
  assert.deepEqual(sums.map((x) => x % t), [5n, t - 7n, 0n]);
  assert.throws(
    () => shareSlots(uniformBelow(t, 4), () => 0, [0n, 3n], t),
    /expected a slot for owner 1/,
  );
  assert.throws(
    () => shareSlots(uniformBelow(t, 4), () => 2, [0n, 3n], t),
    /expected an owner below 2/,
  );
});
