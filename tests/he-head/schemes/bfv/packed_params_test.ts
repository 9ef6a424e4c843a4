import assert from "node:assert/strict";
import { isPrime } from "../../../../lib/he-head/engine/primes.ts";
import { packedNoiseBound } from "../../../../lib/he-head/schemes/bfv/packed_noise.ts";
import {
  packedPresetName,
  smallestBatchingPrime,
  validatePackedParams,
} from "../../../../lib/he-head/schemes/bfv/packed_params.ts";
import { interleavedLayout } from "../../../../lib/he-head/schemes/bfv/slot_layout.ts";

const GOOD = {
  scheme: "bfv",
  encoding: "packed",
  polyModulusDegree: 4096,
  coeffModulusBits: [45, 45, 19],
  plainModulus: "398491649",
  securityLevel: 128,
};

Deno.test("packed BFV parameters: valid ones pass, each bad field is named", () => {
  assert.deepEqual(validatePackedParams(GOOD), GOOD);
  assert.equal(packedPresetName(validatePackedParams(GOOD)), "bfv_n4096_q45x45_t29_packed");
  const bad: [Record<string, unknown>, RegExp][] = [
    [{ encoding: "simd" }, /encoding: expected "packed"/],
    [{ polyModulusDegree: 2048 }, /polyModulusDegree/],
    [{ coeffModulusBits: [50, 50, 19] }, /at most 109 bits/],
    [{ coeffModulusBits: [45] }, /2 or more prime sizes/],
    [{ plainModulus: "65536" }, /batching prime t = 1 mod 8192/],
    [{ plainModulus: 65537 }, /decimal string/],
    [{ securityLevel: 192 }, /securityLevel/],
  ];
  for (const [change, message] of bad) {
    assert.throws(() => validatePackedParams({ ...GOOD, ...change }), message);
  }
});

Deno.test("the plaintext prime is the smallest batching prime above the bound", () => {
  const t = smallestBatchingPrime(4096, 2n ** 29n);
  assert.ok(t > 2n ** 29n && (t - 1n) % 8192n === 0n && isPrime(t));
  for (let c = 2n ** 29n + 1n; c < t; c += 1n) {
    if ((c - 1n) % 8192n === 0n) assert.ok(!isPrime(c), `${c} is a smaller batching prime`);
  }
});

Deno.test("the worst-case noise bound grows with t and the rotations, and shrinks with P", () => {
  const layout = interleavedLayout(1225, 10, 4096);
  const primes = [35184371703809n, 35184371884033n];
  const base = packedNoiseBound(layout, 4096, primes, 417793n, 398491649n);
  assert.equal(base.responsePrimesDropped, 1);
  assert.ok(base.marginBits > 4 && base.responseMarginBits > 3, JSON.stringify(base));
  const bigT = packedNoiseBound(layout, 4096, primes, 417793n, 2n ** 33n + 1n);
  assert.ok(bigT.marginBits < base.marginBits - 1.9, "t appears twice: in the product and q/2t");
  const smallP = packedNoiseBound(layout, 4096, primes, 65537n, 398491649n);
  assert.ok(smallP.noiseLog2 > base.noiseLog2);
  const wider = interleavedLayout(1225, 10, 8192);
  assert.ok(packedNoiseBound(wider, 8192, primes, 417793n, 398491649n).noiseLog2 > base.noiseLog2);
  // Too large a t leaves no margin: the plan would not be offered.
  assert.ok(packedNoiseBound(layout, 4096, primes, 417793n, 2n ** 36n).marginBits < 0);
});
