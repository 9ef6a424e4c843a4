import assert from "node:assert/strict";
import type { Ciphertext } from "node-seal/dist/seal_throws.d.ts";
import {
  BFV_DEFAULT_COEFF_BITS,
  CKKS_N4096,
  CkksContext,
  compileModel,
  dataModulusBits,
  evaluatePlain,
  freeResult,
  HeContext,
  type HeParams,
  loadSeal,
  type Network,
  packedLayout,
  packKeys,
  paramsHashHex,
  quadraticForm,
  RING_DEGREES,
  selectParameters,
  switchDown,
  validateParams,
} from "../../../../lib/he-head/mod.ts";
import {
  ClientKeys,
  decodeResidues,
  decryptOutputs,
  decryptToResidues,
  encryptInputs,
  encryptPacked,
  outputNoiseBudgets,
} from "../../../../lib/he-head/client.ts";
import {
  evaluateEncrypted,
  EvaluationKeys,
  PackedHead,
  unpackKeys,
} from "../../../../lib/he-head/server.ts";
import { responsePrimesToDrop } from "../../../../lib/he-head/schemes/bfv/modulus_switch.ts";
import { floodingAnalysis } from "../../../../lib/he-head/schemes/bfv/flooding.ts";
import {
  addFloodingNoise,
  floodOutputs,
  maskPolyOutputs,
  maskSpareSlots,
  randomMultipleOfXMinus2,
  uniformBelow,
} from "../../../../lib/he-head/schemes/bfv/server/circuit_privacy.ts";
import { valueAt2 } from "../../../../lib/he-head/schemes/bfv/client/decrypt.ts";
import { randomHead, randomInputs } from "../../../fixtures/random_model.ts";

/** Pearson's chi-square statistic of `values` (each in `[0, t)`) over `buckets` equal buckets. */
function chiSquare(values: Iterable<bigint>, t: bigint, buckets = 16): number {
  const counts = new Array<number>(buckets).fill(0);
  let total = 0;
  for (const v of values) {
    counts[Number((v * BigInt(buckets)) / t)]++;
    total++;
  }
  const expected = total / buckets;
  return counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
}
/** Chi-square with 15 degrees of freedom exceeds this with probability below 1e-7. */
const CHI2_15_LIMIT = 60;

/** Every coefficient of every encrypted output, per modulus (decrypted with the secret key). */
function coefficients(keys: ClientKeys, outputs: { ciphertexts: (Ciphertext | null)[][] }) {
  return outputs.ciphertexts.map((_, i) =>
    decryptToResidues(keys, { ciphertexts: outputs.ciphertexts, constants: [] }, i)
      .filter((r) => r !== null)
  );
}

function* all(rows: (BigUint64Array | null)[][], n: number): Generator<bigint> {
  for (const row of rows) {
    for (const r of row) for (let d = 0; d < n; d++) yield r ? (r[d] ?? 0n) : 0n;
  }
}

async function setup(net: Network, params: HeParams, publicKey = false) {
  const ctx = await HeContext.create(params);
  const keys = ClientKeys.generate(ctx, { publicKey });
  const ek = EvaluationKeys.load(ctx, keys.evaluationKeys);
  return {
    ctx,
    keys,
    ek,
    [Symbol.dispose]() {
      ek.delete();
      keys.delete();
      ctx.delete();
    },
    run(x: Int32Array, count: number) {
      const inputs = encryptInputs(keys, x, count, net.inputSize);
      try {
        return evaluateEncrypted(ctx, net, inputs, ek);
      } finally {
        inputs.flat().forEach((c) => c.delete());
      }
    },
  };
}

Deno.test("random multiples of X - 2: vanish at 2 mod t, uniform, fresh every time", () => {
  for (const t of [65537n, 1073692673n, (1n << 40n) + 15n]) {
    const a = randomMultipleOfXMinus2(64, t);
    const b = randomMultipleOfXMinus2(64, t);
    assert.equal(a.length, 64);
    assert.equal(valueAt2(a, t), 0n, `${t}`);
    assert.ok(a.every((c) => c < t));
    assert.notDeepEqual(a, b);
  }
  const u = uniformBelow(1000n, 20_000);
  assert.ok(u.every((v) => v < 1000n));
  assert.ok(chiSquare(u, 1000n, 10) < 40, "uniformBelow is uniform");
  assert.throws(() => uniformBelow(1n, 1), /expected 2 <= t < 2\^63, received 1/);
});

Deno.test("flooding analysis: statistical distance <= 2^-41, budget accounting", () => {
  const f = floodingAnalysis({
    ringDegree: 8192,
    dataModulusBits: 174,
    plainModulusBits: 30,
    outputBudgetBits: 84.5,
    statisticalBits: 40,
  });
  // V = 2^(174 - 84 - 30 + 2), beta = 40 + 13 + 62, after = 174 - 30 - 115 - 2.
  assert.deepEqual(
    [f.noiseBoundLog2, f.floodLog2, f.statisticalDistanceLog2, f.budgetAfterBits],
    [62, 115, -41, 27],
  );
  assert.throws(
    () => floodingAnalysis({ ...f, outputBudgetBits: 0 }),
    /expected a positive output noise budget to flood, received 0/,
  );
  // SEAL's bit count of the data modulus is the sum of the prime sizes (flooded plans recompute
  // with SEAL's count anyway; n = 32768 is left out: its context takes 15 s to build).
  return (async () => {
    for (const n of RING_DEGREES.filter((n) => n <= 16384)) {
      using ctx = await HeContext.create({
        scheme: "bfv",
        encoding: "poly",
        polyModulusDegree: n,
        coeffModulusBits: [...BFV_DEFAULT_COEFF_BITS[n]],
        plainModuli: ["65537"],
        securityLevel: 128,
      });
      assert.equal(ctx.dataModulus.bits, dataModulusBits(ctx.params), `n=${n}`);
      assert.equal(ctx.dataModulus.primes.length, BFV_DEFAULT_COEFF_BITS[n].length - 1);
    }
  })();
});

Deno.test("parameters: masked and flooded sets validate, name themselves and hash apart", async () => {
  const base: HeParams = {
    scheme: "bfv",
    encoding: "poly",
    polyModulusDegree: 4096,
    coeffModulusBits: [36, 36, 37],
    plainModuli: ["65537"],
    securityLevel: 128,
  };
  const masked = validateParams({ ...base, maskedOutputs: true });
  const flooded = validateParams({ ...masked, floodingBits: 40 });
  assert.equal(masked.maskedOutputs, true);
  assert.equal(flooded.floodingBits, 40);
  const hashes = new Set(await Promise.all([base, masked, flooded].map(paramsHashHex)));
  assert.equal(hashes.size, 3);
  assert.equal((await HeContext.create(flooded)).name, "bfv_n4096_t17_poly_flooded");
  assert.throws(
    () => validateParams({ ...base, encoding: "simd", maskedOutputs: true }),
    /maskedOutputs: expected true \(poly only\) or absent/,
  );
  assert.throws(() => validateParams({ ...base, floodingBits: 20 }), /floodingBits: expected/);
});

Deno.test("masked poly selection: the moduli hold the logits' range, not only the coefficients", () => {
  for (let seed = 1; seed <= 4; seed++) {
    const net = compileModel(randomHead(seed, 8, 5, 4));
    const plain = selectParameters(net, { encoding: "poly" });
    const masked = selectParameters(net, { encoding: "poly", maskedOutputs: true });
    const simd = selectParameters(net, { encoding: "simd" });
    assert.equal(masked.outputBound, simd.outputBound, "interval bound on the logits");
    const prod = masked.params.plainModuli.reduce((a, t) => a * BigInt(t), 1n);
    assert.ok(prod > 2n * masked.outputBound);
    assert.ok(masked.outputDegree! < masked.params.polyModulusDegree);
    assert.ok(masked.outputBound >= plain.outputBound);
  }
});

Deno.test("poly masking: decoded logits equal the reference bit for bit; coefficients are uniform", async () => {
  const net = compileModel(randomHead(7, 8, 5, 4));
  const { params } = selectParameters(net, { encoding: "poly", maskedOutputs: true });
  using s = await setup(net, params);
  const n = s.ctx.degree;
  // (a) many random inputs, masked, decode to the integer reference.
  for (let seed = 1; seed <= 16; seed++) {
    const x = randomInputs(seed, 1, net.inputSize, net.inputMin, net.inputMax);
    const r = s.run(x, 1);
    try {
      maskPolyOutputs(s.ctx, r.ciphertexts);
      assert.deepEqual(decryptOutputs(s.keys, r, 1), evaluatePlain(net, x, 1), `seed ${seed}`);
    } finally {
      freeResult(r);
    }
  }
  // (b) three answers to one query: uniform coefficients, all different, same logits.
  const x = randomInputs(99, 1, net.inputSize, net.inputMin, net.inputMax);
  const answers: BigUint64Array[][][] = [];
  for (let i = 0; i < 3; i++) {
    const r = s.run(x, 1);
    try {
      if (i === 0) {
        // Unmasked, the coefficients are the weight sums by exponent: far from uniform.
        const raw = coefficients(s.keys, r);
        s.ctx.moduli.forEach((m, j) =>
          assert.ok(chiSquare(all([raw[j]], n), m.t) > 1000, "unmasked coefficients are sparse")
        );
      }
      maskPolyOutputs(s.ctx, r.ciphertexts);
      answers.push(coefficients(s.keys, r) as BigUint64Array[][]);
      assert.deepEqual(decryptOutputs(s.keys, r, 1), evaluatePlain(net, x, 1));
    } finally {
      freeResult(r);
    }
  }
  s.ctx.moduli.forEach((m, j) => {
    const values = [...all(answers.map((a) => a[j]), n)];
    assert.equal(values.length, 3 * net.outputSize * n);
    const chi = chiSquare(values, m.t);
    assert.ok(chi < CHI2_15_LIMIT, `modulus ${m.t}: chi-square ${chi.toFixed(1)} over 16 buckets`);
    for (let bit = 0n; bit < 8n; bit++) {
      const ones = values.filter((v) => (v >> bit) & 1n).length / values.length;
      assert.ok(Math.abs(ones - 0.5) < 0.01, `bit ${bit}: ${ones}`);
    }
    // Two answers to the same query share a coefficient only by chance (about n / t).
    const [a, b] = [answers[0][j], answers[1][j]];
    let same = 0;
    a.forEach((p, o) => p.forEach((c, d) => (same += Number(c === b[o][d]))));
    assert.ok(same < 16, `${same} equal coefficients out of ${a.length * n}`);
  });
});

Deno.test("simd masking: slots beyond the queries are uniform, the queries exact", async () => {
  const net = compileModel(randomHead(8, 8, 5, 4));
  const { params } = selectParameters(net, { encoding: "simd", batchSize: 5 });
  using s = await setup(net, params);
  const x = randomInputs(3, 5, net.inputSize, net.inputMin, net.inputMax);
  const spare = (r: { ciphertexts: (Ciphertext | null)[][] }) =>
    coefficients(s.keys, r).map((rows) => rows.map((slots) => slots!.subarray(5)));
  const unmasked = s.run(x, 5);
  try {
    // Without the mask, the spare slots hold the head applied to zero inputs: all equal.
    spare(unmasked).forEach((rows) => rows.forEach((v) => assert.ok(v.every((c) => c === v[0]))));
  } finally {
    freeResult(unmasked);
  }
  const seen: BigUint64Array[][][] = [];
  for (let i = 0; i < 2; i++) {
    const r = s.run(x, 5);
    try {
      maskSpareSlots(s.ctx, r.ciphertexts, 5);
      assert.deepEqual(decryptOutputs(s.keys, r, 5), evaluatePlain(net, x, 5));
      seen.push(spare(r) as BigUint64Array[][]);
    } finally {
      freeResult(r);
    }
  }
  s.ctx.moduli.forEach((m, j) => {
    const values = seen.flatMap((a) => a[j].flatMap((v) => [...v]));
    assert.ok(chiSquare(values, m.t) < CHI2_15_LIMIT);
    assert.notDeepEqual(seen[0][j], seen[1][j]);
  });
  assert.throws(() => maskSpareSlots(s.ctx, [], 0), /expected 1 to \d+ queries, received 0/);
});

for (const encoding of ["poly", "simd"] as const) {
  Deno.test(`BFV ${encoding} flooding: exact answers, budget down by the flooding noise, independent of the circuit`, async () => {
    const net = compileModel(randomHead(11, 8, 5, 4));
    const count = encoding === "poly" ? 1 : 7;
    const choice = selectParameters(net, {
      encoding,
      batchSize: count,
      maskedOutputs: encoding === "poly",
      flooding: { statisticalBits: 40 },
    });
    using s = await setup(net, choice.params, true);
    const f = floodingAnalysis({ ...choice.flooding!, dataModulusBits: s.ctx.dataModulus.bits });
    assert.ok(f.statisticalDistanceLog2 <= -41);
    for (let seed = 1; seed <= 6; seed++) {
      const x = randomInputs(seed, count, net.inputSize, net.inputMin, net.inputMax);
      const r = s.run(x, count);
      try {
        const before = Math.min(...outputNoiseBudgets(s.keys, r));
        assert.ok(before >= f.outputBudgetBits, `budget ${before} >= estimate`);
        if (encoding === "poly") maskPolyOutputs(s.ctx, r.ciphertexts);
        else maskSpareSlots(s.ctx, r.ciphertexts, count);
        floodOutputs(s.ctx, r.ciphertexts, s.ek.publicKeys, f.floodLog2);
        const after = outputNoiseBudgets(s.keys, r);
        for (const b of after) {
          // The noise is now about 2^beta: the budget sits just above the guaranteed floor.
          assert.ok(b >= f.budgetAfterBits && b <= f.budgetAfterBits + 2, `budget after ${b}`);
        }
        assert.ok(Math.min(...after) <= before - 40, "flooding spends the budget it claims");
        assert.deepEqual(decryptOutputs(s.keys, r, count), evaluatePlain(net, x, count));
        switchDown(s.ctx, r.ciphertexts, responsePrimesToDrop(s.ctx.params, f.budgetAfterBits));
        assert.deepEqual(decryptOutputs(s.keys, r, count), evaluatePlain(net, x, count));
      } finally {
        freeResult(r);
      }
    }
    // A fresh encryption has far more budget than an output; flooded, both look the same.
    const fresh = encryptInputs(s.keys, new Int32Array(count), count, 1);
    try {
      assert.ok(
        Math.min(...outputNoiseBudgets(s.keys, { ciphertexts: fresh, constants: [0n] })) >
          f.outputBudgetBits + 10,
      );
      floodOutputs(s.ctx, fresh, s.ek.publicKeys, f.floodLog2);
      const b = Math.min(...outputNoiseBudgets(s.keys, { ciphertexts: fresh, constants: [0n] }));
      assert.ok(b >= f.budgetAfterBits && b <= f.budgetAfterBits + 2);
    } finally {
      fresh.flat().forEach((c) => c.delete());
    }
  });
}

Deno.test("flooding needs the client's public key: packed with the keys, refused when absent", async () => {
  const net = compileModel(randomHead(12, 6, 4, 3));
  const choice = selectParameters(net, {
    encoding: "poly",
    maskedOutputs: true,
    flooding: { statisticalBits: 40 },
  });
  using s = await setup(net, choice.params, true);
  const wire = await packKeys(s.ctx.params, s.keys.evaluationKeys);
  using back = await unpackKeys(s.ctx, wire);
  assert.ok(back.publicKeys.every((k) => k !== null), "public keys travel in the key envelope");
  const r = s.run(randomInputs(1, 1, net.inputSize, net.inputMin, net.inputMax), 1);
  try {
    assert.throws(
      () => floodOutputs(s.ctx, r.ciphertexts, [null], 100),
      /expected the client's public key for plaintext modulus 0 to flood the answer, received none/,
    );
    switchDown(s.ctx, r.ciphertexts, 1);
    assert.throws(
      () => floodOutputs(s.ctx, r.ciphertexts, s.ek.publicKeys, 100),
      /expected an answer at the top level \(\d primes\) to flood, received \d/,
    );
  } finally {
    freeResult(r);
  }
  assert.throws(
    () => addFloodingNoise(new Uint8Array(200), 8192, [3n], 10),
    /expected a 2-component ciphertext of degree 8192 over 1 primes/,
  );
});

Deno.test("masking and flooding keep the WASM heap flat", async () => {
  const { heapBytes } = await loadSeal();
  const net = compileModel(randomHead(13, 4, 2, 2));
  const choice = selectParameters(net, {
    encoding: "poly",
    maskedOutputs: true,
    flooding: { statisticalBits: 40 },
  });
  using s = await setup(net, choice.params, true);
  const x = randomInputs(1, 1, net.inputSize, net.inputMin, net.inputMax);
  const round = () => {
    const r = s.run(x, 1);
    try {
      maskPolyOutputs(s.ctx, r.ciphertexts);
      floodOutputs(s.ctx, r.ciphertexts, s.ek.publicKeys, 100);
      assert.throws(() => floodOutputs(s.ctx, r.ciphertexts, [null], 100), /public key/);
    } finally {
      freeResult(r);
    }
  };
  for (let i = 0; i < 5; i++) round();
  const warm = heapBytes();
  for (let i = 0; i < 30; i++) round();
  assert.equal(heapBytes(), warm);
});

Deno.test("value decoding: evaluation at 2 modulo each t, then CRT", () => {
  // 3 + 2*5 + 4*7 = 41 with coefficients beyond the moduli: only the value decoding is right.
  const moduli = [11n, 13n];
  const poly = [3n, 5n, 7n];
  const residues = moduli.map((t) => [poly.map((c) => c % t)]);
  assert.deepEqual(decodeResidues("poly", moduli, residues, [0n], 1, "value"), [[41n]]);
  assert.equal(valueAt2(poly, 1000n), 41n);
});

Deno.test("packed answers: every slot is a copy of a logit (bias included) or zero", async () => {
  using ctx = await CkksContext.create(CKKS_N4096);
  for (const [seed, C] of [[21, 3], [22, 5]]) {
    const net = compileModel(randomHead(seed, 10, 6, C));
    const layout = packedLayout(10, C, ctx.slots, net.inputMin, net.inputMax);
    const head = PackedHead.create(ctx, quadraticForm(net)!, layout);
    using keys = ClientKeys.generate(ctx, { relin: false, galoisSteps: layout.galoisSteps });
    using ek = EvaluationKeys.load(ctx, keys.evaluationKeys);
    const x = randomInputs(seed, 1, 10, net.inputMin, net.inputMax);
    const exact = evaluatePlain(net, x, 1)[0].map((v) => Number(v) * 2 ** -net.outputScale);
    const ct = encryptPacked(keys, x, layout);
    const { result } = head.evaluate(ct, ek.galois[0]!);
    const pt = new ctx.seal.Plaintext();
    try {
      keys.decryptor(0).decrypt(result, pt);
      const slots = ctx.encoder.decodeFloat64(pt) as Float64Array;
      let worst = 0;
      slots.forEach((v, s) => {
        const k = s % layout.stride;
        const want = k < C ? exact[k] : 0;
        worst = Math.max(worst, Math.abs(v * head.outputFactor - want));
      });
      assert.ok(worst <= head.errorBound, `slot error ${worst} > ${head.errorBound}`);
      assert.ok(exact.some((v) => Math.abs(v) > 4 * head.errorBound), "logits stand out");
    } finally {
      pt.delete();
      ct.delete();
      result.delete();
      head.delete();
    }
  }
});
