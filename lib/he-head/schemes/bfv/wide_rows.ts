/**
 * The wide form's rows modulo one plaintext prime `t`: first-layer weights and bias of every row
 * scaled by `alpha = sqrt(w a)` and shifted by `beta = b / (2a)`, and the constant each class
 * adds (see `wide_form.ts`). Shared: the server encodes these into plaintexts.
 *
 * @module
 */
import type { WideForm } from "./wide_form.ts";

const mod = (x: bigint, t: bigint) => ((x % t) + t) % t;

function powMod(b: bigint, e: bigint, m: bigint): bigint {
  let r = 1n;
  b = mod(b, m);
  for (; e > 0n; e >>= 1n) {
    if (e & 1n) r = (r * b) % m;
    b = (b * b) % m;
  }
  return r;
}

/** `1 / x` modulo the prime `t`. */
function invMod(x: bigint, t: bigint): bigint {
  const v = mod(x, t);
  if (v === 0n) throw new RangeError(`expected a value invertible modulo ${t}, received ${x}`);
  return powMod(v, t - 2n, t);
}

/** A square root of `x` modulo the odd prime `t` (Tonelli-Shanks), or null when there is none. */
export function sqrtMod(x: bigint, t: bigint): bigint | null {
  const a = mod(x, t);
  if (a === 0n) return 0n;
  if (powMod(a, (t - 1n) / 2n, t) !== 1n) return null;
  let q = t - 1n, s = 0n;
  while ((q & 1n) === 0n) [q, s] = [q >> 1n, s + 1n];
  let z = 2n;
  while (powMod(z, (t - 1n) / 2n, t) !== t - 1n) z++;
  let [m, c, r, u] = [s, powMod(z, q, t), powMod(a, (q + 1n) / 2n, t), powMod(a, q, t)];
  while (u !== 1n) {
    let i = 0n, u2 = u;
    while (u2 !== 1n) [u2, i] = [(u2 * u2) % t, i + 1n];
    const b = powMod(c, 1n << (m - i - 1n), t);
    [m, c, r, u] = [i, (b * b) % t, (r * b) % t, (u * b * b) % t];
  }
  return r;
}

/** The rows modulo one prime. */
export interface WideRows {
  /** `[row][input]` weights in `[0, t)` (rows ordered class by class, `groups` each). */
  readonly weights: number[][];
  /** Per row, the bias added before the square, in `[0, t)`. */
  readonly bias: number[];
  /** Per class, the constant its rows' sum lacks, in `[0, t)`. */
  readonly constants: bigint[];
}

/** The rows of `form` modulo `t`, or null when some row factor has no square root mod `t`. */
export function wideRows(form: WideForm, t: bigint): WideRows | null {
  const weights: number[][] = [], bias: number[] = [];
  const [c0, b, a] = form.activation;
  const beta = form.square ? mod(b * invMod(2n * a, t), t) : 0n;
  const constants: bigint[] = [];
  for (let c = 0; c < form.outputs; c++) {
    let k = form.b2[c] ?? 0n;
    for (let g = 0; g < form.groups; g++) {
      const j = form.units[c][g];
      const alpha = form.square ? sqrtMod(form.factors[c][g], t) : 1n;
      if (alpha === null) return null;
      if (j < 0) {
        weights.push(new Array<number>(form.inputs).fill(0));
        bias.push(0);
        continue;
      }
      weights.push(form.w1[j].map((w) => Number(mod(alpha * w, t))));
      bias.push(Number(mod(alpha * (form.b1[j] + beta), t)));
      if (form.square) k += form.w2[c][j] * (c0 - a * beta * beta);
    }
    constants.push(mod(k, t));
  }
  return { weights, bias, constants };
}
