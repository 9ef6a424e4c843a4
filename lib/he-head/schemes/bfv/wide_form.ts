/**
 * A head `dense -> [bias] -> activation (degree <= 2) -> dense -> [bias]` (or one dense layer)
 * rewritten for the wide BFV plan: every logit is a sum of **rows** that each need one square at
 * most, and no plaintext multiplication after it. With `a z^2 + b z + c0` the activation and
 * `w` a second-layer weight,
 *
 *   `w (a z^2 + b z + c0) = alpha^2 (z + beta)^2 + w (c0 - a beta^2)`  (mod t),
 *
 * where `beta = b / (2a)` and `alpha^2 = w a` (mod t). For power-of-two `w` and `a`, `w a` is
 * always a square modulo a batching prime (`t = 1 mod 8` makes 2 and -1 squares), so the first
 * layer can compute `alpha (z + beta)` directly, one row per nonzero `(class, hidden)` pair; the
 * client adds the rows of each class after decryption. Linear heads (degree <= 1) collapse to
 * one row per class. Shared: the server builds plaintexts from it, the plan counts its rows.
 *
 * @module
 */
import type { IntRow, LinearOp, Network, Pow2Row } from "../../../model/network.ts";

/** The head as rows of one linear map, each squared or not, summed per class. */
export interface WideForm {
  /** Inputs d. */
  readonly inputs: number;
  /** Classes C. */
  readonly outputs: number;
  /** Whether rows are squared (a degree-2 activation) or not (a linear head). */
  readonly square: boolean;
  /** Rows per class (every class padded to the same count, so the layout reveals no more). */
  readonly groups: number;
  /** First-layer weights `[hidden][input]` (linear: the collapsed `[class][input]`). */
  readonly w1: bigint[][];
  /** First-layer bias per hidden unit (linear: per class). */
  readonly b1: bigint[];
  /** Per class, its rows' hidden units (-1: a padding row). */
  readonly units: number[][];
  /** Per class, its rows' factors `w a` (the square's multiplier; linear: 1). */
  readonly factors: bigint[][];
  /** Activation coefficients `[c0, b, a]` (linear: `[0, 1, 0]`). */
  readonly activation: readonly [bigint, bigint, bigint];
  /** Second-layer weights `[class][hidden]` (linear: identity, unused). */
  readonly w2: bigint[][];
  /** Second-layer bias per class. */
  readonly b2: bigint[];
}

function denseMatrix(op: LinearOp): bigint[][] {
  return (op.rows as (Pow2Row | IntRow)[]).map((r) => {
    const row = new Array<bigint>(op.inSize).fill(0n);
    r.inputs.forEach((input, k) => {
      row[input] += "exps" in r
        ? BigInt((r as Pow2Row).signs[k]) * (1n << BigInt((r as Pow2Row).exps[k]))
        : BigInt((r as IntRow).values[k]);
    });
    return row;
  });
}

/** The ops of `net` as `[linear, bias?, activation?, linear?, bias?]`, or null. */
function headOps(net: Network) {
  const ops = [...net.ops];
  const l1 = ops.shift();
  if (!l1 || l1.op !== "linear") return null;
  const b1 = ops[0]?.op === "bias" ? ops.shift() : undefined;
  const act = ops[0]?.op === "activation" ? ops.shift() : undefined;
  const l2 = ops[0]?.op === "linear" ? ops.shift() : undefined;
  const b2 = ops[0]?.op === "bias" ? ops.shift() : undefined;
  if (ops.length > 0 || (act && act.op === "activation" && act.degree > 2)) return null;
  if (act && !l2) return null;
  return { l1, b1, act, l2, b2 };
}

/** The wide form of `net`, or null when the head is not one of the shapes above. */
export function wideForm(net: Network): WideForm | null {
  const h = headOps(net);
  if (!h) return null;
  const W1 = denseMatrix(h.l1);
  const hidden = h.l1.outSize, d = net.inputSize;
  const bias1 = h.b1?.op === "bias" ? h.b1.values : new Array<bigint>(hidden).fill(0n);
  const actOp = h.act?.op === "activation" ? h.act : null;
  const act = actOp ? [0, 1, 2].map((i) => actOp.coefficients[i]?.value ?? 0n) : [0n, 1n, 0n];
  const [c0, b, a] = act as [bigint, bigint, bigint];
  const W2 = h.l2?.op === "linear" ? denseMatrix(h.l2) : null;
  const C = W2 ? W2.length : hidden;
  const bias2 = h.b2?.op === "bias" ? h.b2.values : new Array<bigint>(C).fill(0n);
  if (a === 0n || !W2) {
    // Linear: logit_c = sum_j w_cj (b z_j + c0) + b2_c = M_c . x + k_c.
    const w2 = W2 ?? W1.map((_, j) => W1.map((_, k) => (k === j ? 1n : 0n)));
    const M = w2.map((wc) =>
      Array.from({ length: d }, (_, i) => wc.reduce((s, w, j) => s + w * b * W1[j][i], 0n))
    );
    const k = w2.map((wc, c) => wc.reduce((s, w, j) => s + w * (b * bias1[j] + c0), bias2[c]));
    const ident = W2 ? [c0, b, 0n] as const : [0n, 1n, 0n] as const;
    return {
      inputs: d,
      outputs: C,
      square: false,
      groups: 1,
      w1: W2 ? M : W1.map((r) => r.map((v) => v)),
      b1: W2 ? k : bias1.map((v) => v),
      units: Array.from({ length: C }, (_, c) => [c]),
      factors: Array.from({ length: C }, () => [1n]),
      activation: ident,
      w2: [],
      b2: W2 ? new Array<bigint>(C).fill(0n) : bias2,
    };
  }
  const units = W2.map((wc) => wc.flatMap((w, j) => (w === 0n ? [] : [j])));
  const groups = Math.max(1, ...units.map((u) => u.length));
  const padded = units.map((u) => [...u, ...new Array<number>(groups - u.length).fill(-1)]);
  return {
    inputs: d,
    outputs: C,
    square: true,
    groups,
    w1: W1,
    b1: bias1,
    units: padded,
    factors: padded.map((u, c) => u.map((j) => (j < 0 ? 0n : W2[c][j] * a))),
    activation: [c0, b, a],
    w2: W2,
    b2: bias2,
  };
}
