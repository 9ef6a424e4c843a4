/**
 * The slot layout of the wide BFV plan (both sides), for `R` rows over `d` inputs in ring degree
 * `n` (two batching rows of `L = n/2` slots). The query holds `B = n/P` blocks of `P` slots
 * (`lanes` = 2; with one lane row 1 repeats row 0's `n/2P` blocks)
 * (`P >= d, R`, a power of two); block `k` holds `x` rotated by `k c` (the client does these
 * "baby steps" for free). The server adds `c` rotations `r < c` of the query times plaintext
 * diagonals (baby-step giant-step: `c = c1 c2`), which puts into every slot `u` the products of
 * row `u mod H` (`H >= R`, a power of two) with `c` different inputs; rotate-and-add with steps
 * `H, 2H, ..., L/2` and one column rotation then sum every slot `= u (mod H)` of both rows:
 * slot `u < R` holds row `u`'s inner product with `x`. Spill across a block boundary needs no
 * guard: each row-cyclic rotation keeps the multiset of offsets a slot sees, and the diagonal
 * simply takes the input that is present.
 *
 * @module
 */

/** Where everything sits in the slots. */
export interface WideLayout {
  /** Ring degree n (slots). */
  readonly n: number;
  /** Inputs d. */
  readonly inputs: number;
  /** Rows R. */
  readonly rows: number;
  /** Block length P (a power of two, `>= d`, `>= H`). */
  readonly period: number;
  /** Output period H (a power of two, `>= R`). */
  readonly height: number;
  /**
   * Batching rows holding distinct blocks: 2, or 1 (row 1 repeats row 0: no row swap and one
   * Galois key less, at twice the offsets `c`).
   */
  readonly lanes: 1 | 2;
  /** Blocks B = lanes n / (2P). */
  readonly blocks: number;
  /** Offsets the server rotates through (`c B >= H`). */
  readonly stride: number;
  /** Baby steps c1 (rotations by 1). */
  readonly baby: number;
  /** Giant steps c2 (rotations by c1). */
  readonly giant: number;
}

const pow2 = (v: number) => 2 ** Math.ceil(Math.log2(Math.max(1, v)));

/**
 * Smallest output period: rotations number about `2 H / sqrt(n) + log2(n / 2H) + 1`, least
 * near H = 64 at n = 8192, so small heads are padded to it.
 */
const MIN_HEIGHT = 64;

/** The layout for `rows` rows over `inputs` inputs in ring degree `n`, or null if too wide. */
export function wideLayout(
  inputs: number,
  rows: number,
  n: number,
  lanes: 1 | 2 = 2,
): WideLayout | null {
  const height = Math.max(pow2(rows), MIN_HEIGHT);
  const period = Math.max(pow2(inputs), height);
  if (period > n / 2) return null;
  const blocks = (lanes * n) / 2 / period;
  const stride = Math.ceil(height / blocks);
  const baby = pow2(Math.ceil(Math.sqrt(stride)));
  const giant = Math.ceil(stride / baby);
  return { n, inputs, rows, period, height, lanes, blocks, stride, baby, giant };
}

/**
 * Rotation steps of the rotate-and-add reduction: H, 2H, ..., L/2, then 0 (the column swap; two
 * lanes only).
 */
export function reductionSteps(l: WideLayout): number[] {
  const steps: number[] = [];
  for (let s = l.height; s < l.n / 2; s *= 2) steps.push(s);
  return l.lanes === 2 ? [...steps, 0] : steps;
}

/** Galois steps the server uses (0: the column rotation). */
export function wideGaloisSteps(l: WideLayout): number[] {
  const steps = new Set<number>(reductionSteps(l));
  if (l.baby > 1) steps.add(1);
  if (l.giant > 1) steps.add(l.baby);
  return [...steps].sort((a, b) => a - b);
}

/** Input index present at slot `s` of the query (row-cyclic blocks, block k rotated by k c). */
function inputAt(l: WideLayout, s: number): number {
  const L = l.n / 2, perRow = L / l.period;
  const row = Math.floor(s / L), p = s % L;
  const k = (l.lanes === 2 ? row * perRow : 0) + Math.floor(p / l.period);
  return ((p % l.period) + l.stride * k) % l.period;
}

/** The query's slots for features `x` (zero beyond d). */
export function querySlots(l: WideLayout, x: ArrayLike<number>): number[] {
  if (x.length !== l.inputs) {
    throw new RangeError(`expected ${l.inputs} features, received ${x.length}`);
  }
  return Array.from({ length: l.n }, (_, s) => {
    const i = inputAt(l, s);
    return i < l.inputs ? x[i] : 0;
  });
}

/**
 * Diagonal `(g, b)` (`r = g c1 + b < c`), pre-rotated by `-g c1`: slot `s` multiplies the query
 * rotated by `b` and, after the giant rotation, contributes `M[u mod H][i]` where `i` is the input
 * present at `s + r` and the virtual offset `r + c k'` (k' its block) is below H. Null if zero.
 */
export function diagonalSlots(
  l: WideLayout,
  weights: readonly (readonly number[])[],
  g: number,
  b: number,
): Float64Array | null {
  const L = l.n / 2, perRow = L / l.period, r = g * l.baby + b;
  if (r >= l.stride) return null;
  const out = new Float64Array(l.n);
  let any = false;
  for (let s = 0; s < l.n; s++) {
    const row = Math.floor(s / L), p = s % L;
    const src = row * L + ((p + r) % L);
    const kSrc = (l.lanes === 2 ? row * perRow : 0) + Math.floor((src % L) / l.period);
    if (r + l.stride * kSrc >= l.height) continue;
    const u = p % l.period, unit = u % l.height;
    const i = inputAt(l, src);
    if (unit >= l.rows || i >= l.inputs) continue;
    const w = weights[unit][i];
    if (w === 0) continue;
    // Stored at slot s + g c1 (row-cyclic): the giant rotation by g c1 brings it back to s.
    out[row * L + ((p + g * l.baby) % L)] = w;
    any = true;
  }
  return any ? out : null;
}

/** Per slot, the row bias (slot `s` holds row `s mod H` after the reduction). */
export function biasSlots(l: WideLayout, bias: readonly number[]): Float64Array {
  return Float64Array.from({ length: l.n }, (_, s) => bias[s % l.height] ?? 0);
}
