import assert from "node:assert/strict";
import {
  batchingPrimes,
  compileModel,
  Crt,
  evaluatePlain,
  isPrime,
  outputBound,
  ParameterSelectionError,
  paramsHashHex,
  plainModulusProduct,
  presetName,
  selectParameters,
  validateParams,
} from "../../../../lib/he-head/mod.ts";
import type { Layer, QuantizedModel } from "../../../../lib/model/format.ts";
import { randomHead, randomInputs } from "../../../fixtures/random_model.ts";

function squareChain(depth: number, inputMax: number): QuantizedModel {
  const layers: Layer[] = [];
  for (let i = 0; i < depth; i++) {
    layers.push({
      type: "dense",
      name: `fc${i}`,
      units: 1,
      weights: { kind: "pow2", shape: [1, 1], sign: [1], exponent: [0], scale_log2: 0 },
    });
    layers.push({
      type: "activation",
      name: `sq${i}`,
      kind: "square",
      coefficients: [{ m: 0, e: 0 }, { m: 0, e: 0 }, { m: 1, e: 0 }],
    });
  }
  return {
    format: "faster-cryptonets.quantized-model",
    version: 1,
    name: `square-chain-${depth}`,
    input: { shape: [1], min: 0, max: inputMax, scale_log2: 0 },
    layers,
  };
}

Deno.test("selected moduli hold every output: interval bound is sound and reached", () => {
  for (let seed = 1; seed <= 5; seed++) {
    const net = compileModel(randomHead(seed, 6, 4, 3));
    const { bound } = outputBound(net, "simd");
    const choice = selectParameters(net, { encoding: "simd", batchSize: 4 });
    assert.ok(plainModulusProduct(choice.params) > 2n * bound);
    const x = randomInputs(seed, 200, net.inputSize, net.inputMin, net.inputMax);
    for (const logits of evaluatePlain(net, x, 200)) {
      for (const v of logits) assert.ok((v < 0n ? -v : v) <= bound, `|${v}| > bound ${bound}`);
    }
  }
});

Deno.test("poly selection accounts for output degree and coefficients; simd for batch size", () => {
  const net = compileModel(randomHead(3, 6, 4, 3));
  const poly = selectParameters(net, { encoding: "poly" });
  assert.ok(poly.outputDegree! < poly.params.polyModulusDegree);
  assert.ok(plainModulusProduct(poly.params) > 2n * poly.outputBound);
  assert.match(poly.name, /^bfv_n\d+_t(\d+x)?\d+_poly$/);
  const big = selectParameters(net, { encoding: "simd", batchSize: 5000 });
  assert.ok(big.params.polyModulusDegree >= 8192, "5000 queries need 8192 slots");
});

Deno.test("an impossible model is refused naming the layer where the noise budget runs out", () => {
  assert.throws(
    () => selectParameters(compileModel(squareChain(40, 1)), { encoding: "simd" }),
    (e) =>
      e instanceof ParameterSelectionError && e.layer !== undefined &&
      /^sq\d+$/.test(e.layer.name) &&
      /runs out of noise budget at layer "sq\d+"/.test(e.message),
  );
  // Values of 2^(8 * 2^12) bits cannot be held by any set of plaintext moduli.
  assert.throws(
    () => selectParameters(compileModel(squareChain(12, 255)), { encoding: "simd" }),
    ParameterSelectionError,
  );
  // Poly: degree doubles with every square until it exceeds every ring degree.
  assert.throws(
    () => selectParameters(compileModel(squareChain(14, 15)), { encoding: "poly" }),
    (e) => e instanceof ParameterSelectionError && /degree/.test(e.message),
  );
});

Deno.test("batching primes are prime, = 1 mod 2n, of the requested size", () => {
  const ps = batchingPrimes(4096, 20, 3);
  assert.equal(new Set(ps).size, 3);
  for (const p of ps) {
    assert.ok(isPrime(p));
    assert.equal(p % 8192n, 1n);
    assert.equal(p.toString(2).length, 20);
  }
  assert.ok(!isPrime(24577n)); // 7 * 3511
  assert.throws(() => batchingPrimes(4096, 15, 1), /found 0/);
});

Deno.test("CRT recombines centered values", () => {
  const crt = new Crt([65537n, 786433n, 40961n]);
  for (const v of [0n, 1n, -1n, 123456789012n, -98765432101n]) {
    const r = crt.moduli.map((t) => ((v % t) + t) % t);
    assert.equal(crt.combine(r), v);
  }
});

Deno.test("parameter validation says what is wrong; names and hashes are stable", async () => {
  const net = compileModel(randomHead(4));
  const { params } = selectParameters(net, { encoding: "poly" });
  assert.deepEqual(validateParams(JSON.parse(JSON.stringify(params))), params);
  assert.throws(
    () => validateParams({ ...params, polyModulusDegree: 1000 }),
    /polyModulusDegree: expected one of/,
  );
  assert.throws(() => validateParams({ ...params, plainModuli: ["12", "18"] }), /pairwise coprime/);
  assert.throws(
    () => validateParams({ ...params, encoding: "simd", plainModuli: ["65539"] }),
    /batching prime/,
  );
  assert.throws(() => validateParams({ ...params, coeffModulusBits: [60, 60] }), /128-bit default/);
  assert.equal(
    presetName(params),
    `bfv_n${params.polyModulusDegree}_t${BigInt(params.plainModuli[0]).toString(2).length}_poly`,
  );
  assert.equal(await paramsHashHex(params), await paramsHashHex(validateParams(params)));
  assert.notEqual(
    await paramsHashHex(params),
    await paramsHashHex({ ...params, plainModuli: ["65537"] }),
  );
});
