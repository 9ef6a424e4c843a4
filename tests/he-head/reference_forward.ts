/**
 * An independent, deliberately naive oracle for tests: evaluates a quantized model document
 * straight from its JSON definition with dense tensors and bigints (no compilation, no sparse
 * rows, no pending constants), one example at a time.
 *
 * @module
 */
import type { Layer, QuantizedModel, WeightTensor } from "../../lib/he-head/model/format.ts";

function weightAt(w: WeightTensor, i: number): bigint {
  if (w.kind === "int") return BigInt(w.values[i]);
  if (w.sign[i] === 0) return 0n;
  return BigInt(w.sign[i]) * (1n << BigInt(w.exponent[i] + w.scale_log2));
}

interface T {
  shape: number[];
  v: bigint[];
  scale: number;
}

function step(l: Layer, x: T): T {
  switch (l.type) {
    case "dense": {
      const [n] = x.shape;
      const v = Array.from({ length: l.units }, (_, j) => {
        let s = 0n;
        for (let i = 0; i < n; i++) s += weightAt(l.weights, i * l.units + j) * x.v[i];
        return s;
      });
      return { shape: [l.units], v, scale: x.scale + l.weights.scale_log2 };
    }
    case "conv2d": {
      const [H, W, C] = x.shape;
      const [kh, kw] = l.kernel, [sh, sw] = l.strides;
      let pad = [0, 0, 0, 0];
      if (Array.isArray(l.padding)) pad = l.padding;
      else if (l.padding === "same") {
        const oh = Math.ceil(H / sh), ow = Math.ceil(W / sw);
        const ph = Math.max((oh - 1) * sh + kh - H, 0), pw = Math.max((ow - 1) * sw + kw - W, 0);
        pad = [
          Math.floor(ph / 2),
          ph - Math.floor(ph / 2),
          Math.floor(pw / 2),
          pw - Math.floor(pw / 2),
        ];
      }
      const OH = Math.floor((H + pad[0] + pad[1] - kh) / sh) + 1;
      const OW = Math.floor((W + pad[2] + pad[3] - kw) / sw) + 1;
      const F = l.filters;
      const at = (y: number, xx: number, c: number) =>
        y < 0 || y >= H || xx < 0 || xx >= W ? 0n : x.v[(y * W + xx) * C + c];
      const v: bigint[] = [];
      for (let y = 0; y < OH; y++) {
        for (let xx = 0; xx < OW; xx++) {
          for (let f = 0; f < F; f++) {
            let s = 0n;
            for (let a = 0; a < kh; a++) {
              for (let b = 0; b < kw; b++) {
                for (let c = 0; c < C; c++) {
                  s += weightAt(l.weights, ((a * kw + b) * C + c) * F + f) *
                    at(y * sh + a - pad[0], xx * sw + b - pad[2], c);
                }
              }
            }
            v.push(s);
          }
        }
      }
      return { shape: [OH, OW, F], v, scale: x.scale + l.weights.scale_log2 };
    }
    case "sum_pool":
    case "average_pool": {
      const [H, W, C] = x.shape;
      const [ph, pw] = l.pool, [sh, sw] = l.strides;
      const OH = Math.floor((H - ph) / sh) + 1, OW = Math.floor((W - pw) / sw) + 1;
      const v: bigint[] = [];
      for (let y = 0; y < OH; y++) {
        for (let xx = 0; xx < OW; xx++) {
          for (let c = 0; c < C; c++) {
            let s = 0n;
            for (let a = 0; a < ph; a++) {
              for (let b = 0; b < pw; b++) s += x.v[((y * sh + a) * W + xx * sw + b) * C + c];
            }
            v.push(s);
          }
        }
      }
      const extra = l.type === "average_pool" ? Math.log2(ph * pw) : 0;
      return { shape: [OH, OW, C], v, scale: x.scale + extra };
    }
    case "flatten":
      return { shape: [x.v.length], v: x.v, scale: x.scale };
    case "bias": {
      const C = x.shape[x.shape.length - 1];
      return { ...x, v: x.v.map((y, i) => y + BigInt(l.values[i % C])) };
    }
    case "activation": {
      // Definition: y = sum_i m_i 2^(e_i + g + f (d - i)) x^i at scale d f + g.
      const d = l.coefficients.length - 1;
      const f = x.scale;
      const g = Math.max(0, ...l.coefficients.filter((c) => BigInt(c.m) !== 0n).map((c) => -c.e));
      const v = x.v.map((y) => {
        let s = 0n;
        l.coefficients.forEach((c, i) => {
          const m = BigInt(c.m);
          if (m !== 0n) s += m * (1n << BigInt(c.e + g + f * (d - i))) * y ** BigInt(i);
        });
        return s;
      });
      return { shape: x.shape, v, scale: d * f + g };
    }
  }
}

/** The exact integer logits of one example. */
export function referenceForward(model: QuantizedModel, input: ArrayLike<number>): bigint[] {
  let x: T = {
    shape: model.input.shape,
    v: Array.from(input, (v) => BigInt(v)),
    scale: model.input.scale_log2,
  };
  for (const l of model.layers) x = step(l, x);
  return x.v;
}
