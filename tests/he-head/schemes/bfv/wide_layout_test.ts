import assert from "node:assert/strict";
import {
  biasSlots,
  diagonalSlots,
  querySlots,
  reductionSteps,
  wideLayout,
} from "../../../../lib/he-head/schemes/bfv/wide_layout.ts";
import { sqrtMod } from "../../../../lib/he-head/schemes/bfv/wide_rows.ts";
import { maskSlots } from "../../../../lib/he-head/schemes/bfv/server/wide_eval.ts";
import { rng } from "../../../fixtures/random_model.ts";

/** SEAL's rotateRows on a plain slot vector: each row of n/2 rotated left by `step`. */
function rotateRows(v: number[], step: number): number[] {
  const L = v.length / 2;
  return v.map((_, s) => {
    const row = Math.floor(s / L);
    return v[row * L + (((s % L) + step) % L)];
  });
}
const rotateColumns = (v: number[]) => v.map((_, s) => v[(s + v.length / 2) % v.length]);
const add = (a: number[], b: number[]) => a.map((x, i) => x + b[i]);
const mul = (a: number[], b: ArrayLike<number>) => a.map((x, i) => x * b[i]);

/** The server's linear part on plain slots: babies, Horner giants, rotate-and-add, bias. */
function linearPlain(
  n: number,
  d: number,
  W: number[][],
  bias: number[],
  x: number[],
  lanes: 1 | 2,
) {
  const l = wideLayout(d, W.length, n, lanes)!;
  const babies = [querySlots(l, x)];
  for (let b = 1; b < l.baby; b++) babies.push(rotateRows(babies[b - 1], 1));
  let y: number[] | null = null;
  for (let g = l.giant - 1; g >= 0; g--) {
    let acc: number[] | null = null;
    for (let b = 0; b < l.baby; b++) {
      const diag = diagonalSlots(l, W, g, b);
      if (diag) acc = acc ? add(acc, mul(babies[b], diag)) : mul(babies[b], diag);
    }
    y = y ? (acc ? add(rotateRows(y, l.baby), acc) : rotateRows(y, l.baby)) : acc;
  }
  let sum = y!;
  for (const step of reductionSteps(l)) {
    sum = add(sum, step === 0 ? rotateColumns(sum) : rotateRows(sum, step));
  }
  return add(sum, Array.from(biasSlots(l, bias)));
}

Deno.test("the wide layout's slot algorithm computes every row's inner product exactly once", () => {
  const r = rng(5);
  // Small rings keep it quick; the block, spill and BSGS cases are the same as at n = 8192.
  const cases = [[256, 20, 7, 2], [512, 48, 40, 2], [1024, 100, 96, 2], [2048, 33, 300, 2]]
    .flatMap(([n, d, rows]) => [[n, d, rows, 2], [n, d, rows, 1]]) as [
      number,
      number,
      number,
      1 | 2,
    ][];
  for (const [n, d, rows, lanes] of cases) {
    const W = Array.from(
      { length: rows },
      () => Array.from({ length: d }, () => (r() < 0.4 ? 0 : Math.floor(r() * 15) - 7)),
    );
    const bias = Array.from({ length: rows }, () => Math.floor(r() * 9) - 4);
    const x = Array.from({ length: d }, () => Math.floor(r() * 16));
    const got = linearPlain(n, d, W, bias, x, lanes);
    const l = wideLayout(d, rows, n, lanes)!;
    for (let s = 0; s < n; s++) {
      const u = s % l.height;
      const want = u < rows ? W[u].reduce((a, w, i) => a + w * x[i], bias[u]) : 0;
      assert.equal(got[s], want, `n=${n} d=${d} rows=${rows} lanes=${lanes}: slot ${s} (row ${u})`);
    }
  }
});

Deno.test("sqrtMod finds square roots of signed powers of two modulo batching primes", () => {
  for (const t of [40961n, 398491649n, 1099510054913n]) {
    for (const v of [1n, 2n, 8n, -1n, -2n, -1024n, 3n * 2n ** 20n]) {
      const s = sqrtMod(v, t);
      if (v === 3n * 2n ** 20n && s === null) continue; // 3 need not be a square
      assert.ok(s !== null, `sqrt(${v}) mod ${t}`);
      assert.equal((s! * s!) % t, ((v % t) + t) % t);
    }
  }
});

Deno.test("maskSlots: each class's shares add to its constant, all values below t", () => {
  const l = wideLayout(48, 30, 8192)!, t = 398491649n, constants = [5n, 0n, t - 1n];
  const m = maskSlots(l, 10, constants, t);
  constants.forEach((k, c) => {
    let sum = 0n;
    for (let g = 0; g < 10; g++) sum += m[c * 10 + g];
    assert.equal(sum % t, k);
  });
  assert.ok(m.every((v) => v < t));
  assert.ok(new Set(m).size > 8000, "uniform values, not zeros");
});
