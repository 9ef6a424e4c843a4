/**
 * Homomorphic-operation (HOP) accounting: what each layer costs, as data and as a table.
 *
 * @module
 */

/** Counts of homomorphic operations. */
export interface HopCounts {
  /** Ciphertext x ciphertext multiplications (squares included). */
  ct_ct_mul: number;
  /** Of which squares. */
  square: number;
  /** Relinearisations. */
  relin: number;
  /** Plaintext multiplications by a single-coefficient plaintext (monomial or constant). */
  plain_mul_single: number;
  /** Plaintext multiplications by a dense plaintext. */
  plain_mul_dense: number;
  /** Ciphertext additions and subtractions. */
  add: number;
  /** Additions of plaintext constants (biases). */
  add_plain: number;
  /** Negations. */
  negate: number;
  /** Rotations (Galois automorphisms). */
  rotate: number;
  /** CKKS rescalings. */
  rescale: number;
}

/** HOPs of one layer of the model. */
export interface LayerHops {
  /** Index of the layer in the model. */
  layer: number;
  /** The layer's name. */
  name: string;
  /** The layer's type. */
  type: string;
  /** Operations the layer spends. */
  hops: HopCounts;
}

/** All-zero counts. */
export function zeroHops(): HopCounts {
  return {
    ct_ct_mul: 0,
    square: 0,
    relin: 0,
    plain_mul_single: 0,
    plain_mul_dense: 0,
    add: 0,
    add_plain: 0,
    negate: 0,
    rotate: 0,
    rescale: 0,
  };
}

/** `a + b` field by field, scaled by `k` (e.g. the number of plaintext moduli). */
function addHops(a: HopCounts, b: HopCounts, k = 1): HopCounts {
  const out = zeroHops();
  for (const key of Object.keys(out) as (keyof HopCounts)[]) out[key] = a[key] + k * b[key];
  return out;
}

/** The sum over layers. */
export function totalHops(layers: LayerHops[]): HopCounts {
  return layers.reduce((acc, l) => addHops(acc, l.hops), zeroHops());
}

const COLUMNS: [keyof HopCounts, string][] = [
  ["ct_ct_mul", "ct*ct"],
  ["relin", "relin"],
  ["plain_mul_single", "pt*ct 1-coef"],
  ["plain_mul_dense", "pt*ct dense"],
  ["add", "add"],
  ["add_plain", "add pt"],
  ["negate", "neg"],
  ["rotate", "rot"],
  ["rescale", "rescale"],
];

/** A fixed-width text table of HOPs per layer with a total row. */
export function formatHopsTable(layers: LayerHops[]): string {
  const rows = [
    ["layer", ...COLUMNS.map(([, h]) => h)],
    ...layers.map((l) => [`${l.name} (${l.type})`, ...COLUMNS.map(([k]) => String(l.hops[k]))]),
  ];
  const total = totalHops(layers);
  rows.push(["total", ...COLUMNS.map(([k]) => String(total[k]))]);
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows
    .map((r) =>
      r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  ")
    )
    .join("\n");
}
