/**
 * A one-hidden-layer head `dense -> bias -> activation (degree <= 2) -> dense -> bias` is a
 * quadratic form in its inputs: `logit_k = x^T Q_k x + L_k . x + c_k`. Written that way the
 * encrypted evaluation needs no ciphertext multiplication at all: the client sends the products
 * `x_i x_j` (it knows `x`), and the server only takes inner products with plaintext coefficients.
 * The coefficients are computed exactly (integers at the output scale) from the integer network.
 *
 * @module
 */
import type { IntRow, LinearOp, Network, Pow2Row } from "../../../model/network.ts";

/** The head as an exact quadratic form over its integer inputs. */
export interface QuadraticForm {
  /** Number of inputs d. */
  inputs: number;
  /** Number of outputs C. */
  outputs: number;
  /**
   * Per output, integer coefficients over the packed feature vector `z`: first the products
   * `x_i x_j` for `i <= j` (row-major upper triangle), then the `x_i`.
   */
  coefficients: bigint[][];
  /** Per output, the integer constant. */
  constants: bigint[];
  /** The integer logits stand for `logit * 2^-outputScale`. */
  outputScale: number;
}

/** Length of the packed vector for `d` inputs: `d (d + 1) / 2 + d`. */
export function packedLength(d: number): number {
  return (d * (d + 1)) / 2 + d;
}

/** The packed vector `[x_i x_j (i <= j), x_i]` of one query. */
export function packFeatures(x: ArrayLike<number>): number[] {
  const d = x.length;
  const z: number[] = [];
  for (let i = 0; i < d; i++) for (let j = i; j < d; j++) z.push(x[i] * x[j]);
  for (let i = 0; i < d; i++) z.push(x[i]);
  return z;
}

function denseMatrix(op: LinearOp): bigint[][] {
  const rows: bigint[][] = [];
  for (const r of op.rows as (Pow2Row | IntRow)[]) {
    const row = new Array<bigint>(op.inSize).fill(0n);
    r.inputs.forEach((input, t) => {
      row[input] += "exps" in r
        ? BigInt((r as Pow2Row).signs[t]) * (1n << BigInt((r as Pow2Row).exps[t]))
        : BigInt((r as IntRow).values[t]);
    });
    rows.push(row);
  }
  return rows;
}

/**
 * The quadratic form of a network, or null when the network is not
 * `linear -> [bias] -> activation(degree <= 2) -> linear -> [bias]`.
 */
export function quadraticForm(net: Network): QuadraticForm | null {
  const ops = [...net.ops];
  const l1 = ops.shift();
  if (!l1 || l1.op !== "linear") return null;
  const b1 = ops[0]?.op === "bias" ? ops.shift() : null;
  const act = ops.shift();
  if (!act || act.op !== "activation" || act.degree > 2) return null;
  const l2 = ops.shift();
  if (!l2 || l2.op !== "linear") return null;
  const b2 = ops[0]?.op === "bias" ? ops.shift() : null;
  if (ops.length > 0) return null;
  const W1 = denseMatrix(l1), W2 = denseMatrix(l2);
  const d = net.inputSize, h = l1.outSize, C = l2.outSize;
  const bias1 = b1 && b1.op === "bias" ? b1.values : new Array<bigint>(h).fill(0n);
  const bias2 = b2 && b2.op === "bias" ? b2.values : new Array<bigint>(C).fill(0n);
  const a = [0, 1, 2].map((i) => act.coefficients[i]?.value ?? 0n);
  const coefficients: bigint[][] = [];
  const constants: bigint[] = [];
  for (let k = 0; k < C; k++) {
    const quad = new Array<bigint>((d * (d + 1)) / 2).fill(0n);
    const lin = new Array<bigint>(d).fill(0n);
    let c = bias2[k];
    for (let j = 0; j < h; j++) {
      const v = W2[k][j];
      if (v === 0n) continue;
      const w = W1[j], b = bias1[j];
      // v * (a2 (w.x + b)^2 + a1 (w.x + b) + a0)
      c += v * (a[2] * b * b + a[1] * b + a[0]);
      const linCoef = v * (2n * a[2] * b + a[1]);
      let at = 0;
      for (let i = 0; i < d; i++) {
        if (w[i] !== 0n) lin[i] += linCoef * w[i];
        for (let i2 = i; i2 < d; i2++, at++) {
          if (w[i] === 0n || w[i2] === 0n) continue;
          quad[at] += v * a[2] * w[i] * w[i2] * (i === i2 ? 1n : 2n);
        }
      }
    }
    coefficients.push([...quad, ...lin]);
    constants.push(c);
  }
  return { inputs: d, outputs: C, coefficients, constants, outputScale: net.outputScale };
}
