/**
 * Random quantized models for tests: every layer type, negative exponents, all-zero rows and
 * fully pruned layers, with a seeded generator so failures reproduce.
 *
 * @module
 */
import type { Layer, QuantizedModel, WeightTensor } from "../../lib/he-head/model/format.ts";

/** A small seeded PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Options for random weights. */
export interface WeightOptions {
  /** Fraction of weights set to zero. */
  sparsity?: number;
  /** Exponents drawn from [minExp, maxExp] (real exponents, may be negative). */
  minExp?: number;
  maxExp?: number;
  /** Make output unit 0 all-zero (a fully pruned row). */
  zeroRow?: boolean;
  /** Every weight zero (a fully pruned layer). */
  allZero?: boolean;
  /** Plain integer weights in [-maxInt, maxInt] instead of powers of two. */
  maxInt?: number;
}

/** Random weights of `shape` whose last dimension is the output unit. */
export function randomWeights(
  r: () => number,
  shape: number[],
  o: WeightOptions = {},
): WeightTensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const units = shape[shape.length - 1];
  const minExp = o.minExp ?? -2, maxExp = o.maxExp ?? 1;
  const zero = (i: number) =>
    o.allZero || r() < (o.sparsity ?? 0.3) || (o.zeroRow && i % units === 0);
  if (o.maxInt !== undefined) {
    const m = o.maxInt;
    return {
      kind: "int",
      shape,
      values: Array.from(
        { length: n },
        (_, i) => (zero(i) ? 0 : Math.floor(r() * (2 * m + 1)) - m),
      ),
      scale_log2: 3,
    };
  }
  const sign: number[] = [], exponent: number[] = [];
  for (let i = 0; i < n; i++) {
    const z = zero(i);
    sign.push(z ? 0 : r() < 0.5 ? -1 : 1);
    exponent.push(z ? 0 : minExp + Math.floor(r() * (maxExp - minExp + 1)));
  }
  return { kind: "pow2", shape, sign, exponent, scale_log2: -minExp };
}

/** A dense -> bias -> activation -> dense -> bias head on `inputs` features. */
export function randomHead(
  seed: number,
  inputs = 6,
  hidden = 4,
  classes = 3,
  o: WeightOptions & {
    activation?: { m: number; e: number }[];
    inputMax?: number;
    inputMin?: number;
  } = {},
): QuantizedModel {
  const r = rng(seed);
  const w1 = randomWeights(r, [inputs, hidden], o);
  const w2 = randomWeights(r, [hidden, classes], { ...o, allZero: false, zeroRow: false });
  const inScale = 1;
  const s1 = inScale + w1.scale_log2;
  const act = o.activation ?? [{ m: 1, e: -2 }, { m: 1, e: -1 }, { m: 1, e: -3 }];
  const d = act.length - 1;
  const g = Math.max(0, ...act.filter((c) => c.m !== 0).map((c) => -c.e));
  const s2 = d * s1 + g + w2.scale_log2;
  const bias = (k: number, mag: number) =>
    Array.from({ length: k }, () => Math.floor(r() * (2 * mag + 1)) - mag);
  const layers: Layer[] = [
    { type: "dense", name: "fc1", units: hidden, weights: w1 },
    { type: "bias", name: "b1", values: bias(hidden, 20), scale_log2: s1 },
    { type: "activation", name: "act", kind: "test", coefficients: act },
    { type: "dense", name: "fc2", units: classes, weights: w2 },
    { type: "bias", name: "b2", values: bias(classes, 1000), scale_log2: s2 },
  ];
  return {
    format: "faster-cryptonets.quantized-model",
    version: 1,
    name: `random-head-${seed}`,
    input: { shape: [inputs], min: o.inputMin ?? 0, max: o.inputMax ?? 15, scale_log2: inScale },
    layers,
  };
}

/** Options of {@linkcode randomConvNet}. */
export interface ConvOptions extends WeightOptions {
  average?: boolean;
  padding?: "valid" | "same" | [number, number, number, number];
  strides?: [number, number];
}

/** A conv2d -> bias -> activation -> pool -> flatten -> dense network on 6x6x2 images. */
export function randomConvNet(seed: number, o: ConvOptions = {}): QuantizedModel {
  const r = rng(seed);
  const [H, W, C, F, k] = [6, 6, 2, 3, 3];
  const [sh, sw] = o.strides ?? [1, 1];
  const padding = o.padding ?? "same";
  let [pt, pb, pl, pr] = [0, 0, 0, 0];
  if (Array.isArray(padding)) [pt, pb, pl, pr] = padding;
  else if (padding === "same") {
    const th = Math.max((Math.ceil(H / sh) - 1) * sh + k - H, 0);
    const tw = Math.max((Math.ceil(W / sw) - 1) * sw + k - W, 0);
    [pt, pb, pl, pr] = [
      Math.floor(th / 2),
      th - Math.floor(th / 2),
      Math.floor(tw / 2),
      tw - Math.floor(tw / 2),
    ];
  }
  const OH = Math.floor((H + pt + pb - k) / sh) + 1, OW = Math.floor((W + pl + pr - k) / sw) + 1;
  const PH = Math.floor((OH - 2) / 2) + 1, PW = Math.floor((OW - 2) / 2) + 1;
  const wc = randomWeights(r, [k, k, C, F], o);
  const s1 = wc.scale_log2;
  const s2 = 2 * s1 + (o.average ? 2 : 0);
  const wd = randomWeights(r, [PH * PW * F, 2], { ...o, allZero: false });
  return {
    format: "faster-cryptonets.quantized-model",
    version: 1,
    name: `random-conv-${seed}`,
    input: { shape: [H, W, C], min: -3, max: 7, scale_log2: 0 },
    layers: [
      {
        type: "conv2d",
        name: "conv",
        filters: F,
        kernel: [k, k],
        strides: [sh, sw],
        padding,
        weights: wc,
      },
      { type: "bias", name: "cb", values: [1, -2, 3], scale_log2: s1 },
      {
        type: "activation",
        name: "sq",
        kind: "square",
        coefficients: [{ m: 0, e: 0 }, { m: 0, e: 0 }, { m: 1, e: 0 }],
      },
      {
        type: o.average ? "average_pool" : "sum_pool",
        name: "pool",
        pool: [2, 2],
        strides: [2, 2],
      },
      { type: "flatten", name: "flat" },
      { type: "dense", name: "fc", units: 2, weights: wd },
      { type: "bias", name: "fb", values: [5, -7], scale_log2: s2 + wd.scale_log2 },
    ],
  };
}

/** `count x size` random integers in [min, max], row-major. */
export function randomInputs(
  seed: number,
  count: number,
  size: number,
  min: number,
  max: number,
): Int32Array {
  const r = rng(seed);
  return Int32Array.from({ length: count * size }, () => min + Math.floor(r() * (max - min + 1)));
}
