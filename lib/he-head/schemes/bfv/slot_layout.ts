/**
 * Geometry of a BFV slot matrix-vector product `y = M z` (`C x N`, integers mod `t`) on one
 * batched ciphertext of `n` slots: two rows of `R = n / 2` slots that SEAL rotates cyclically and
 * independently (`rotateRows`), and swaps (`rotateColumns`).
 *
 * The server computes `sum_g rot(X * D_g, g * giantStep)` (one plaintext multiplication per group,
 * the products rotated AFTER the multiplication, Horner-style by one step), then rotate-and-adds
 * with strides `m, 2m, ..., R/2` (every slot sums its residue class mod `m` over its row) and,
 * with `rowSwap`, adds the swapped rows. Output `k` ends in every slot `s` with `s mod m = k`;
 * residues `>= C` hold 0. No rotation happens before the multiplication, so the query's fresh
 * noise meets the key-switching noise only after the product (small special primes are fine).
 *
 * Without server sums (`serverSums: false`: no finals, no row swap, only the giants' key) the
 * client adds the slots of each output's classes itself ({@linkcode readOutputs}), and the server
 * hides the partial sums by adding a fresh mask whose slots are uniform and sum to 0 over the
 * classes of every output ({@linkcode zeroSumMask}): the answer's slots are additive shares of
 * the outputs, and no class's own sum (a partial dot product) is visible.
 *
 * The client's arrangement ({@linkcode interleavedColumn}) puts column block `c mod rG` in residue
 * class `c` (each class holds `n / m` slots over both rows, so `rG >= N m / n`). Output
 * `k = bG + j` owns the `r` classes `b rG + j + iG` ({@linkcode classOwner}; `r = 1` with server
 * sums) and reads, through the `G` groups, the `rG` consecutive classes from `b rG + j`: every
 * block once. {@linkcode slotMatVecPlaintexts} computes the server's `D_g` for any arrangement,
 * each `(output, column)` pair used once (checked).
 *
 * @module
 */
import type { HopCounts } from "../../engine/hops.ts";
import { zeroHops } from "../../engine/hops.ts";

/** The geometry of one slot product; plain data, the same on both sides. */
export interface SlotLayout {
  /** Slots `n` (two rows of `n / 2`). */
  readonly slots: number;
  /** Columns `N` of the matrix (entries of the client's vector). */
  readonly columns: number;
  /** Rows `C` of the matrix (outputs). */
  readonly outputs: number;
  /** Output stride `m`: a power of two `>= C`; output `k` sits in slots `s mod m = k`. */
  readonly stride: number;
  /** Groups `G`: plaintext multiplications, combined by `G - 1` rotations of `giantStep`. */
  readonly groups: number;
  /** The rotation between consecutive groups. */
  readonly giantStep: number;
  /** Columns per residue class (both rows): `2 R / m`. */
  readonly blockSize: number;
  /**
   * Classes whose slots hold shares of one output (`r`; 1 with server sums). Classes come in bands
   * of `r G`: output `b G + j` owns classes `b r G + j + i G` (`i < r`) and reads `r G`
   * consecutive classes, whose blocks (`c mod r G`) are all the blocks.
   */
  readonly perOutput: number;
  /** Whether the rows are summed at the end (one `rotateColumns`). */
  readonly rowSwap: boolean;
  /** Rotate-and-add strides `m, 2m, ..., R / 2`. */
  readonly finals: readonly number[];
  /** Galois steps the product uses (0 is the row swap): the only keys the client makes. */
  readonly galoisSteps: readonly number[];
}

/** The smallest power of two `>= x` (1 for `x <= 1`). */
function pow2AtLeast(x: number): number {
  return 2 ** Math.ceil(Math.log2(Math.max(1, x)));
}

/** Rotations one evaluation spends (giants, finals, row swap). */
export function slotLayoutRotations(l: SlotLayout): number {
  return l.groups - 1 + l.finals.length + Number(l.rowSwap);
}

/**
 * The cheapest interleaved layout (fewest rotations) of a `C x N` product over `slots` slots;
 * with `serverSums: false`, without the finals and the row swap (the client sums the classes).
 *
 * @throws {RangeError} when no layout fits (too many outputs or columns for the slots).
 */
export function interleavedLayout(
  columns: number,
  outputs: number,
  slots: number,
  options: { serverSums?: boolean } = {},
): SlotLayout {
  const serverSums = options.serverSums ?? true;
  const R = slots / 2;
  let best: SlotLayout | null = null;
  const better = (a: SlotLayout, b: SlotLayout | null) =>
    !b || slotLayoutRotations(a) < slotLayoutRotations(b) ||
    (slotLayoutRotations(a) === slotLayoutRotations(b) && a.groups < b.groups);
  for (let m = pow2AtLeast(outputs); m <= R; m *= 2) {
    const blockSize = (2 * R) / m;
    const blocks = Math.ceil(columns / blockSize);
    for (let r = 1; r <= (serverSums ? 1 : m); r++) {
      const groups = Math.ceil(blocks / r);
      const bands = Math.ceil(outputs / groups);
      // The last output's window (r G classes from its first class) must not wrap past m.
      const lastEnd = (bands - 1) * r * groups + ((outputs - 1) % groups) + r * groups;
      if (lastEnd > m) continue;
      const layout = layoutOf(slots, columns, outputs, m, groups, r, serverSums);
      if (better(layout, best)) best = layout;
    }
  }
  if (!best) {
    throw new RangeError(
      `expected a ${outputs} x ${columns} product to fit ${slots} slots, it does not`,
    );
  }
  return best;
}

/** One candidate layout. */
function layoutOf(
  slots: number,
  columns: number,
  outputs: number,
  m: number,
  groups: number,
  perOutput: number,
  serverSums: boolean,
): SlotLayout {
  const finals: number[] = [];
  for (let s = m; serverSums && s < slots / 2; s *= 2) finals.push(s);
  const steps = [...(groups > 1 ? [1] : []), ...finals, ...(serverSums ? [0] : [])];
  return {
    slots,
    columns,
    outputs,
    stride: m,
    groups,
    giantStep: 1,
    blockSize: slots / m,
    perOutput,
    rowSwap: serverSums,
    finals,
    galoisSteps: steps.sort((a, b) => a - b),
  };
}

/** The output whose shares (or sum) class `c` holds, or -1. */
export function classOwner(l: SlotLayout, c: number): number {
  const span = l.perOutput * l.groups;
  const k = Math.floor(c / span) * l.groups + ((c % span) % l.groups);
  return k < l.outputs ? k : -1;
}

/**
 * The column the client puts in slot `pos` of row `row` (interleaved: class `c = pos mod m` holds
 * block `c mod r G`, entry `row * R / m + pos div m`), or -1 for a zero slot.
 */
export function interleavedColumn(l: SlotLayout, row: number, pos: number): number {
  const m = l.stride, perRow = l.slots / 2 / m;
  const c = pos % m;
  const block = c % (l.perOutput * l.groups);
  const col = block * l.blockSize + row * perRow + Math.floor(pos / m);
  return col < l.columns ? col : -1;
}

/** The client's slot vector: `z` (N integers, reduced mod `t`) in the interleaved arrangement. */
export function arrangeSlots(
  z: ArrayLike<bigint | number>,
  l: SlotLayout,
  t: bigint,
): BigInt64Array {
  if (z.length !== l.columns) {
    throw new RangeError(`expected ${l.columns} values, received ${z.length}`);
  }
  const R = l.slots / 2;
  const out = new BigInt64Array(l.slots);
  for (let row = 0; row < 2; row++) {
    for (let pos = 0; pos < R; pos++) {
      const col = interleavedColumn(l, row, pos);
      if (col < 0) continue;
      const v = BigInt(z[col]) % t;
      out[row * R + pos] = v < 0n ? v + t : v;
    }
  }
  return out;
}

/**
 * The server's plaintexts `D_g` (slot values mod `t`, both rows) for the matrix `rows` (`C x N`,
 * integers) on the arrangement `column(row, pos)`: slot `(row, p)` of group `g` multiplies the
 * column at `p` by `M[k][column]` with `k = (p - g * giantStep) mod m`, each pair `(k, column)`
 * once. Null for an all-zero group.
 *
 * @throws {RangeError} when the arrangement does not reach some nonzero entry of `M`.
 */
export function slotMatVecPlaintexts(
  rows: readonly (readonly bigint[])[],
  l: SlotLayout,
  t: bigint,
  column: (row: number, pos: number) => number = (r, p) => interleavedColumn(l, r, p),
): (BigInt64Array | null)[] {
  const R = l.slots / 2, m = l.stride;
  const used = rows.map(() => new Uint8Array(l.columns));
  const plain: (BigInt64Array | null)[] = [];
  for (let g = 0; g < l.groups; g++) {
    const d = new BigInt64Array(l.slots);
    let any = false;
    for (let row = 0; row < 2; row++) {
      for (let p = 0; p < R; p++) {
        const k = classOwner(l, (((p - g * l.giantStep) % m) + m) % m);
        const col = column(row, p);
        if (k < 0 || col < 0 || used[k][col]) continue;
        used[k][col] = 1;
        const w = rows[k][col] % t;
        if (w === 0n) continue;
        d[row * R + p] = w < 0n ? w + t : w;
        any = true;
      }
    }
    plain.push(any ? d : null);
  }
  rows.forEach((r, k) =>
    r.forEach((w, col) => {
      if (w !== 0n && !used[k][col]) {
        throw new RangeError(
          `the slot layout does not reach entry (${k}, ${col}) of the ${l.outputs} x ${l.columns} matrix`,
        );
      }
    })
  );
  return plain;
}

/** The HOPs one product spends, from its nonzero groups. */
export function slotMatVecHops(l: SlotLayout, nonzeroGroups = l.groups): HopCounts {
  const h = zeroHops();
  h.plain_mul_dense = nonzeroGroups;
  h.rotate = slotLayoutRotations(l);
  h.add = l.groups - 1 + l.finals.length + Number(l.rowSwap);
  return h;
}

/** Whether the server sums each class over both rows (then slot `k` holds output `k`). */
function serverSummed(l: SlotLayout): boolean {
  return l.perOutput === 1 && l.rowSwap && l.finals.length === Math.log2(l.slots / 2 / l.stride);
}

/** `v mod t` in `(-t/2, t/2]`. */
function centred(v: bigint, t: bigint): bigint {
  const r = ((v % t) + t) % t;
  return r > t / 2n ? r - t : r;
}

/**
 * The outputs of a decrypted answer (all `n` slots, any representatives mod `t`): slot `k` when
 * the server summed the classes, else the sum of the slots `s mod m = k` of both rows; centred.
 */
export function readOutputs(slots: ArrayLike<bigint>, l: SlotLayout, t: bigint): bigint[] {
  if (slots.length !== l.slots) {
    throw new RangeError(`expected ${l.slots} slots, received ${slots.length}`);
  }
  if (serverSummed(l)) return Array.from({ length: l.outputs }, (_, k) => centred(slots[k], t));
  const sums = new Array<bigint>(l.outputs).fill(0n);
  for (let s = 0; s < l.slots; s++) {
    const k = classOwner(l, s % l.stride);
    if (k >= 0) sums[k] += slots[s];
  }
  return sums.map((v) => centred(v, t));
}

/**
 * Turns `values` (uniform in `[0, t)`, e.g. from a crypto RNG) in place into additive shares:
 * for every owner `k >= 0`, the last slot owned by `k` takes what makes the slots of `k` sum to
 * `targets[k]` mod `t`; slots of owner -1 stay as they are. Every set of slots that omits one
 * slot of each owner is then uniform: the shares reveal the targets and nothing else.
 *
 * @throws {RangeError} when an owner is outside `targets` or a nonzero target owns no slot.
 */
export function shareSlots(
  values: BigUint64Array,
  owner: (slot: number) => number,
  targets: readonly bigint[],
  t: bigint,
): BigUint64Array {
  const sums = new Array<bigint>(targets.length).fill(0n);
  const last = new Array<number>(targets.length).fill(-1);
  for (let s = 0; s < values.length; s++) {
    const k = owner(s);
    if (k < 0) continue;
    if (k >= targets.length) {
      throw new RangeError(`expected an owner below ${targets.length}, received ${k}`);
    }
    sums[k] += values[s];
    last[k] = s;
  }
  targets.forEach((target, k) => {
    const s = last[k];
    if (s < 0) {
      if (target % t === 0n) return;
      throw new RangeError(`expected a slot for owner ${k} (target ${target}), received none`);
    }
    values[s] = (((target - (sums[k] - values[s])) % t) + t) % t;
  });
  sums.fill(0n);
  return values;
}

/**
 * A mask for an answer without server sums, from `uniform` (which returns `n` values uniform in
 * `[0, t)`): every slot uniform mod `t`, except that, per OUTPUT `k`, the slots of all the classes
 * `k` owns (both rows) sum to 0 mod `t`; slots of spare classes are fully uniform. Added to the
 * answer, it leaves each output (the sum over its classes) unchanged and makes every class's own
 * sum uniform: the answer reveals the outputs and none of the partial sums.
 */
export function zeroSumMask(
  l: SlotLayout,
  t: bigint,
  uniform: (t: bigint, n: number) => BigUint64Array,
): BigUint64Array {
  const values = uniform(t, l.slots);
  if (values.length !== l.slots) {
    throw new RangeError(`expected ${l.slots} uniform values, received ${values.length}`);
  }
  const owners = new Int32Array(l.stride).map((_, c) => classOwner(l, c));
  return shareSlots(values, (s) => owners[s % l.stride], new Array(l.outputs).fill(0n), t);
}
