/**
 * Compiles a quantized model document into the integer network the engine evaluates: every
 * dense, conv2d and pooling layer becomes a sparse linear map (pruned weights are simply absent),
 * biases become per-element integer constants, activations become integer polynomials, and
 * shapes and fixed-point scales are checked as they flow from layer to layer.
 *
 * @module
 */
import { mantissa } from "./dyadic.ts";
import { ModelFormatError } from "./errors.ts";
import type {
  ActivationLayer,
  BiasLayer,
  Conv2dLayer,
  DenseLayer,
  Layer,
  PoolLayer,
  QuantizedModel,
  WeightTensor,
} from "./format.ts";

/** One output of a power-of-two linear map: `sum_k signs[k] * 2^exps[k] * x[inputs[k]]`. */
export interface Pow2Row {
  /** Indices of the inputs of the nonzero terms. */
  inputs: Int32Array;
  /** Sign of each term (+1 or -1). */
  signs: Int8Array;
  /** Power-of-two exponent of each term (weight scale included). */
  exps: Int16Array;
}

/** One output of an integer linear map: `sum_k values[k] * x[inputs[k]]`. */
export interface IntRow {
  /** Indices of the inputs of the nonzero terms. */
  inputs: Int32Array;
  /** Integer weight of each term. */
  values: Float64Array;
}

/** The fields every op has: its source layer, sizes and fixed-point scales. */
export interface OpBase {
  /** Index of the source layer in the document. */
  layer: number;
  /** The source layer's name (or `type#index`). */
  name: string;
  /** Number of input values. */
  inSize: number;
  /** Number of output values. */
  outSize: number;
  /** Fixed-point scale (log2) of the inputs: a value `v` stands for `v * 2^-inScale`. */
  inScale: number;
  /** Fixed-point scale (log2) of the outputs. */
  outScale: number;
}

/** A dense, conv2d or pooling layer with power-of-two (or unit) weights. */
export interface Pow2LinearOp extends OpBase {
  /** Op type. */
  op: "linear";
  /** Weight encoding. */
  kind: "pow2";
  /** One row per output. */
  rows: Pow2Row[];
}

/** A dense or conv2d layer with plain integer weights (the dense baselines). */
export interface IntLinearOp extends OpBase {
  /** Op type. */
  op: "linear";
  /** Weight encoding. */
  kind: "int";
  /** One row per output. */
  rows: IntRow[];
}

/** Any linear map. */
export type LinearOp = Pow2LinearOp | IntLinearOp;

/** Adds `values[i]` to element `i`. */
export interface BiasOp extends OpBase {
  /** Op type. */
  op: "bias";
  /** The integer added to each output (per channel, repeated over positions). */
  values: bigint[];
}

/** One integer coefficient of an activation polynomial. */
export interface IntCoefficient {
  /** The integer coefficient `a_i` applied to `x^i`. */
  value: bigint;
  /** `{sign, exp}` when `value = sign * 2^exp` (a single-coefficient plaintext), else null. */
  pow2: { sign: 1 | -1; exp: number } | null;
}

/** `y = sum_i coefficients[i].value * x^i` on every element. */
export interface ActivationOp extends OpBase {
  /** Op type. */
  op: "activation";
  /** The activation's label (e.g. `swish-aq`). */
  kind: string;
  /** Polynomial degree. */
  degree: number;
  /** Integer coefficients, ascending powers, at the running scale. */
  coefficients: IntCoefficient[];
}

/** An operation of the compiled network. */
export type Op = LinearOp | BiasOp | ActivationOp;

/** Shape and scale bookkeeping for every layer of the document (flatten included). */
export interface LayerInfo {
  /** Index of the layer in the document. */
  index: number;
  /** The layer's name (or `type#index`). */
  name: string;
  /** Layer type. */
  type: Layer["type"];
  /** Input shape. */
  inShape: number[];
  /** Output shape. */
  outShape: number[];
  /** Fixed-point scale (log2) of the inputs. */
  inScale: number;
  /** Fixed-point scale (log2) of the outputs. */
  outScale: number;
  /** Nonzero weights (dense / conv2d), window terms (pooling), else 0. */
  nonzeros: number;
  /** All weights including pruned ones (dense / conv2d), else 0. */
  weights: number;
}

/** The compiled integer network. */
export interface Network {
  /** Model name. */
  name: string;
  /** Input shape. */
  inputShape: number[];
  /** Number of input values. */
  inputSize: number;
  /** Smallest integer input. */
  inputMin: number;
  /** Largest integer input. */
  inputMax: number;
  /** Fixed-point scale (log2) of the inputs. */
  inputScale: number;
  /** Number of logits. */
  outputSize: number;
  /** Fixed-point scale (log2) of the integer logits. */
  outputScale: number;
  /** The integer ops, in evaluation order. */
  ops: Op[];
  /** Per-layer shapes, scales and weight counts. */
  layers: LayerInfo[];
}

const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

function layerName(l: Layer, i: number): string {
  return l.name ?? `${l.type}#${i}`;
}

function fail(i: number, field: string, message: string): never {
  throw new ModelFormatError(`model.layers[${i}].${field}`, message, i);
}

function expectShape(i: number, field: string, got: number[], want: number[]): void {
  if (got.length !== want.length || got.some((d, k) => d !== want[k])) {
    fail(i, field, `expected shape [${want}], received [${got}]`);
  }
}

/** Builds a pow2 or int row set from (input, weightIndex) generators. */
class RowBuilder {
  private inputs: number[] = [];
  private widx: number[] = [];
  readonly pow2: Pow2Row[] = [];
  readonly int: IntRow[] = [];
  nonzeros = 0;
  constructor(private readonly w: WeightTensor | null) {}
  term(input: number, weightIndex: number): void {
    const w = this.w;
    if (w === null) {
      this.inputs.push(input);
      this.widx.push(-1);
      return;
    }
    const zero = w.kind === "pow2" ? w.sign[weightIndex] === 0 : w.values[weightIndex] === 0;
    if (zero) return;
    this.inputs.push(input);
    this.widx.push(weightIndex);
  }
  endRow(): void {
    const n = this.inputs.length;
    this.nonzeros += n;
    const inputs = Int32Array.from(this.inputs);
    const w = this.w;
    if (w === null || w.kind === "pow2") {
      const signs = new Int8Array(n), exps = new Int16Array(n);
      for (let k = 0; k < n; k++) {
        const j = this.widx[k];
        signs[k] = w === null ? 1 : w.sign[j];
        exps[k] = w === null ? 0 : w.exponent[j] + w.scale_log2;
      }
      this.pow2.push({ inputs, signs, exps });
    } else {
      this.int.push({ inputs, values: Float64Array.from(this.widx, (j) => w.values[j]) });
    }
    this.inputs = [];
    this.widx = [];
  }
}

function convGeometry(l: Conv2dLayer | PoolLayer, inShape: number[], i: number) {
  const [H, W] = inShape;
  const [kh, kw] = l.type === "conv2d" ? l.kernel : l.pool;
  const [sh, sw] = l.strides;
  let pt = 0, pb = 0, pl = 0, pr = 0;
  if (l.type === "conv2d" && Array.isArray(l.padding)) [pt, pb, pl, pr] = l.padding;
  else if (l.type === "conv2d" && l.padding === "same") {
    const oh = Math.ceil(H / sh), ow = Math.ceil(W / sw);
    const th = Math.max((oh - 1) * sh + kh - H, 0), tw = Math.max((ow - 1) * sw + kw - W, 0);
    pt = Math.floor(th / 2);
    pb = th - pt;
    pl = Math.floor(tw / 2);
    pr = tw - pl;
  }
  const OH = Math.floor((H + pt + pb - kh) / sh) + 1;
  const OW = Math.floor((W + pl + pr - kw) / sw) + 1;
  if (OH < 1 || OW < 1) {
    fail(
      i,
      l.type === "conv2d" ? "kernel" : "pool",
      `window [${kh}, ${kw}] does not fit the input [${inShape}]`,
    );
  }
  return { kh, kw, sh, sw, pt, pl, OH, OW };
}

/** The fields every op of a layer shares. */
type OpHead = { layer: number; name: string; inSize: number; inScale: number };

/** What one layer does to the running shape and scale, its op (if any) and its weight counts. */
interface Step {
  shape: number[];
  scale: number;
  op: Op | null;
  nonzeros: number;
  weights: number;
}

function denseStep(l: DenseLayer, i: number, shape: number[], scale: number, head: OpHead): Step {
  if (shape.length !== 1) {
    fail(i, "type", `dense expects a 1-D input, received [${shape}] (add a flatten layer)`);
  }
  const nIn = shape[0];
  expectShape(i, "weights.shape", l.weights.shape, [nIn, l.units]);
  const b = new RowBuilder(l.weights);
  for (let j = 0; j < l.units; j++) {
    for (let k = 0; k < nIn; k++) b.term(k, k * l.units + j);
    b.endRow();
  }
  const outScale = scale + l.weights.scale_log2;
  return {
    shape: [l.units],
    scale: outScale,
    op: linearOp(head, l.units, outScale, l.weights, b),
    nonzeros: b.nonzeros,
    weights: nIn * l.units,
  };
}

function convStep(l: Conv2dLayer, i: number, shape: number[], scale: number, head: OpHead): Step {
  if (shape.length !== 3) {
    fail(i, "type", `conv2d expects an [h, w, c] input, received [${shape}]`);
  }
  const C = shape[2], F = l.filters;
  const g = convGeometry(l, shape, i);
  expectShape(i, "weights.shape", l.weights.shape, [g.kh, g.kw, C, F]);
  const [H, W] = shape;
  const b = new RowBuilder(l.weights);
  for (let y = 0; y < g.OH; y++) {
    for (let x = 0; x < g.OW; x++) {
      for (let f = 0; f < F; f++) {
        for (let ky = 0; ky < g.kh; ky++) {
          const iy = y * g.sh + ky - g.pt;
          if (iy < 0 || iy >= H) continue;
          for (let kx = 0; kx < g.kw; kx++) {
            const ix = x * g.sw + kx - g.pl;
            if (ix < 0 || ix >= W) continue;
            for (let c = 0; c < C; c++) {
              b.term((iy * W + ix) * C + c, ((ky * g.kw + kx) * C + c) * F + f);
            }
          }
        }
        b.endRow();
      }
    }
  }
  const outShape = [g.OH, g.OW, F], outScale = scale + l.weights.scale_log2;
  return {
    shape: outShape,
    scale: outScale,
    op: linearOp(head, size(outShape), outScale, l.weights, b),
    nonzeros: b.nonzeros,
    weights: size(l.weights.shape),
  };
}

function poolStep(l: PoolLayer, i: number, shape: number[], scale: number, head: OpHead): Step {
  if (shape.length !== 3) {
    fail(i, "type", `${l.type} expects an [h, w, c] input, received [${shape}]`);
  }
  const [ph, pw] = l.pool;
  const P = ph * pw;
  if (l.type === "average_pool" && (P & (P - 1)) !== 0) {
    fail(
      i,
      "pool",
      `average_pool needs a window of a power-of-two size to stay exact, received ${ph}x${pw}`,
    );
  }
  const g = convGeometry(l, shape, i);
  const [, W, C] = shape;
  const b = new RowBuilder(null);
  for (let y = 0; y < g.OH; y++) {
    for (let x = 0; x < g.OW; x++) {
      for (let c = 0; c < C; c++) {
        for (let ky = 0; ky < ph; ky++) {
          for (let kx = 0; kx < pw; kx++) {
            b.term(((y * g.sh + ky) * W + x * g.sw + kx) * C + c, -1);
          }
        }
        b.endRow();
      }
    }
  }
  const outShape = [g.OH, g.OW, C];
  const outScale = l.type === "average_pool" ? scale + Math.log2(P) : scale;
  return {
    shape: outShape,
    scale: outScale,
    op: {
      ...head,
      op: "linear",
      kind: "pow2",
      outSize: size(outShape),
      outScale,
      rows: b.pow2,
    },
    nonzeros: b.nonzeros,
    weights: 0,
  };
}

function biasStep(l: BiasLayer, i: number, shape: number[], scale: number, head: OpHead): Step {
  const C = shape[shape.length - 1];
  if (l.values.length !== C) {
    fail(i, "values", `expected ${C} values (one per channel), received ${l.values.length}`);
  }
  if (l.scale_log2 !== scale) {
    fail(i, "scale_log2", `expected the running scale ${scale}, received ${l.scale_log2}`);
  }
  const per = l.values.map((v) => BigInt(v));
  const n = size(shape);
  const values = new Array<bigint>(n);
  for (let k = 0; k < n; k++) values[k] = per[k % C];
  return {
    shape,
    scale,
    op: { ...head, op: "bias", outSize: n, outScale: scale, values },
    nonzeros: 0,
    weights: 0,
  };
}

function activationStep(
  l: ActivationLayer,
  i: number,
  shape: number[],
  scale: number,
  head: OpHead,
): Step {
  if (scale < 0) {
    fail(
      i,
      "type",
      `an activation needs a non-negative running scale to stay integral, received ${scale}`,
    );
  }
  const d = l.coefficients.length - 1;
  let g = 0;
  for (const c of l.coefficients) if (mantissa(c) !== 0n) g = Math.max(g, -c.e);
  const coefficients = l.coefficients.map((c, k): IntCoefficient => {
    const m = mantissa(c);
    const shift = c.e + g + scale * (d - k);
    const value = m << BigInt(shift);
    const am = m < 0n ? -m : m;
    const pow2 = am !== 0n && (am & (am - 1n)) === 0n
      ? { sign: (m < 0n ? -1 : 1) as 1 | -1, exp: shift + am.toString(2).length - 1 }
      : null;
    return { value, pow2 };
  });
  const outScale = d * scale + g;
  return {
    shape,
    scale: outScale,
    op: {
      ...head,
      op: "activation",
      kind: l.kind,
      degree: d,
      coefficients,
      outSize: size(shape),
      outScale,
    },
    nonzeros: 0,
    weights: 0,
  };
}

function layerStep(l: Layer, i: number, shape: number[], scale: number, head: OpHead): Step {
  switch (l.type) {
    case "dense":
      return denseStep(l, i, shape, scale, head);
    case "conv2d":
      return convStep(l, i, shape, scale, head);
    case "sum_pool":
    case "average_pool":
      return poolStep(l, i, shape, scale, head);
    case "flatten":
      return { shape: [size(shape)], scale, op: null, nonzeros: 0, weights: 0 };
    case "bias":
      return biasStep(l, i, shape, scale, head);
    case "activation":
      return activationStep(l, i, shape, scale, head);
  }
}

/**
 * Compiles and checks a model (shapes and scales of every layer against its input).
 *
 * @throws {ModelFormatError} naming the first inconsistent layer and field.
 */
export function compileModel(model: QuantizedModel): Network {
  let shape = [...model.input.shape];
  let scale = model.input.scale_log2;
  const ops: Op[] = [];
  const layers: LayerInfo[] = [];
  model.layers.forEach((l, i) => {
    const name = layerName(l, i);
    const inShape = shape, inScale = scale;
    const step = layerStep(l, i, shape, scale, { layer: i, name, inSize: size(inShape), inScale });
    shape = step.shape;
    scale = step.scale;
    if (step.op) ops.push(step.op);
    layers.push({
      index: i,
      name,
      type: l.type,
      inShape,
      outShape: shape,
      inScale,
      outScale: scale,
      nonzeros: step.nonzeros,
      weights: step.weights,
    });
  });
  if (shape.length !== 1) {
    fail(
      model.layers.length - 1,
      "type",
      `the network must end in a 1-D vector of logits, received [${shape}]`,
    );
  }
  if (model.classes && model.classes.length !== shape[0]) {
    throw new ModelFormatError(
      "model.classes",
      `expected ${shape[0]} labels (one per logit), received ${model.classes.length}`,
    );
  }
  return {
    name: model.name,
    inputShape: [...model.input.shape],
    inputSize: size(model.input.shape),
    inputMin: model.input.min,
    inputMax: model.input.max,
    inputScale: model.input.scale_log2,
    outputSize: shape[0],
    outputScale: scale,
    ops,
    layers,
  };
}

function linearOp(
  base: OpHead,
  outSize: number,
  outScale: number,
  w: WeightTensor,
  b: RowBuilder,
): LinearOp {
  return w.kind === "pow2"
    ? { ...base, op: "linear", kind: "pow2", outSize, outScale, rows: b.pow2 }
    : { ...base, op: "linear", kind: "int", outSize, outScale, rows: b.int };
}
