import assert from "node:assert/strict";
import {
  type ProductShape,
  scheduleRotations,
} from "../../../../lib/he-head/plans/ckks_network/rotation_schedule.ts";
import { matVecGeometry } from "../../../../lib/he-head/mod.ts";

/** A conv layer's diagonals: a band around 0 and around the period (negative offsets). */
function band(stride: number, below: number, above: number): number[] {
  const d: number[] = [];
  for (let i = 0; i < above; i++) d.push(i);
  for (let i = stride - below; i < stride; i++) d.push(i);
  return d;
}

const all = (n: number) => Array.from({ length: n }, (_, i) => i);

// The MNIST network's shapes: conv 845 x 784 (period 1024), dense 100 x 845 (two inputs: y^2
// and y), dense 10 x 100; rotations at 6, 4 and 2 primes.
const MNIST: ProductShape[] = [
  { stride: 1024, period: 1024, inputs: 1, diagonals: band(1024, 192, 90), weight: 42 },
  { stride: 128, period: 1024, inputs: 2, diagonals: all(128), weight: 20 },
  { stride: 16, period: 128, inputs: 2, diagonals: all(16), weight: 6 },
];

Deno.test("rotation schedule: within the key budget, every amount composed of the keys", () => {
  const direct = new Set(
    MNIST.flatMap((p) => matVecGeometry(p.stride === 16 ? 10 : p.stride, p.period).steps),
  );
  let previous = Infinity;
  for (const maxKeys of [12, 8, 7, 5, 3]) {
    const r = scheduleRotations(MNIST, maxKeys);
    assert.ok(r.keys.length <= maxKeys, `${r.keys.length} keys > ${maxKeys}`);
    assert.ok(r.keys.length < direct.size);
    assert.deepEqual(r.keys, [...r.keys].sort((a, b) => a - b));
    r.schedules.forEach((s, i) => {
      const { stride, period } = MNIST[i];
      assert.ok(Number.isInteger(Math.log2(s.baby)) && s.baby <= stride);
      assert.ok(s.split >= 1 && s.split <= stride / s.baby);
      if (stride < period) {
        assert.equal(s.split, stride / s.baby, "negative groups only period-wide");
      }
      for (const [amount, path] of s.paths) {
        assert.equal(path.reduce((a, b) => a + b, 0), amount, `path of ${amount}`);
        for (const k of path) assert.ok(r.keys.includes(k), `${k} is not a key`);
      }
      for (let f = stride; f < period; f *= 2) assert.ok(s.paths.has(f), `fold ${f}`);
    });
    // Fewer keys never buy fewer rotations than more keys at the same cost weights... but the
    // count itself may move either way; it stays within a small multiple of the direct count.
    assert.ok(r.rotations < 4 * 91, `${r.rotations} rotations with ${maxKeys} keys`);
    previous = Math.min(previous, r.rotations);
  }
  assert.ok(previous <= 91, "no more rotations than one key per amount (91) at some budget");
});

Deno.test("rotation schedule: the band below the period rotates the negative way", () => {
  const r = scheduleRotations(MNIST, 7);
  const conv = r.schedules[0];
  const G = 1024 / conv.baby;
  assert.ok(conv.split < G, "groups near the period use the chain by period - B");
  assert.ok(conv.paths.has(1024 - conv.baby));
  // One product, every diagonal: B - 1 babies, G - 1 giant rotations, no folds.
  const dense = scheduleRotations([{
    stride: 64,
    period: 64,
    inputs: 1,
    diagonals: all(64),
    weight: 1,
  }], 4);
  const s = dense.schedules[0];
  assert.equal(dense.rotations, s.baby - 1 + 64 / s.baby - 1);
  assert.equal(dense.rotations, 14, "B = 8: 7 babies and 7 giant steps");
});

Deno.test("rotation schedule: a budget of no key is refused", () => {
  assert.throws(() => scheduleRotations(MNIST, 0), /expected a rotation schedule within 0/);
});
