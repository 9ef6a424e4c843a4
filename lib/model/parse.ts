/**
 * Structural validation of quantized model documents: types, ranges and lengths of every field.
 * Semantic checks (shapes and scales flowing from layer to layer) are done by
 * {@linkcode compileModel}, which {@linkcode parseModel} runs too.
 *
 * @module
 */
import { ModelFormatError } from "./errors.ts";
import {
  type ActivationLayer,
  type Dyadic,
  type InputSpec,
  type Layer,
  MODEL_FORMAT,
  MODEL_FORMAT_VERSION,
  NOISE_SOURCES,
  type PrivacyMetadata,
  type QuantizedModel,
  type WeightTensor,
} from "./format.ts";
import { compileModel } from "./network.ts";
import { checkPreprocessing } from "./preprocessing.ts";
import { accountingProblem } from "./privacy.ts";

/** Largest number of weights a model may hold in all (keeps loading bounded). */
const MAX_MODEL_WEIGHTS = 20_000_000;
/** Largest integer exponent `exponent + scale_log2` a power-of-two weight may reach. */
const MAX_WEIGHT_EXPONENT = 62;
/** Largest activation degree accepted. */
const MAX_ACTIVATION_DEGREE = 8;
/** Largest magnitude of any fixed-point scale. */
const MAX_SCALE_LOG2 = 64;

type Obj = Record<string, unknown>;

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (typeof v === "string") return `the string ${JSON.stringify(v.slice(0, 40))}`;
  if (typeof v === "object") return "an object";
  return `${typeof v} ${String(v)}`;
}

class Ctx {
  constructor(readonly path: string, readonly layer?: number) {}
  at(key: string | number): Ctx {
    return new Ctx(
      typeof key === "number" ? `${this.path}[${key}]` : `${this.path}.${key}`,
      this.layer,
    );
  }
  fail(message: string): never {
    throw new ModelFormatError(this.path, message, this.layer);
  }
}

function obj(v: unknown, c: Ctx): Obj {
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    c.fail(`expected an object, received ${describe(v)}`);
  }
  return v as Obj;
}

function int(
  v: unknown,
  c: Ctx,
  min = -Number.MAX_SAFE_INTEGER,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v)) {
    c.fail(`expected an integer, received ${describe(v)}`);
  }
  if (v < min || v > max) c.fail(`expected an integer in [${min}, ${max}], received ${v}`);
  return v;
}

/** An integer given as a safe JSON number or a decimal string. */
function bigInteger(v: unknown, c: Ctx): bigint {
  if (typeof v === "number" && Number.isSafeInteger(v)) return BigInt(v);
  if (typeof v === "string" && /^-?\d{1,400}$/.test(v)) return BigInt(v);
  return c.fail(`expected an integer (safe number or decimal string), received ${describe(v)}`);
}

function str(v: unknown, c: Ctx): string {
  if (typeof v !== "string") c.fail(`expected a string, received ${describe(v)}`);
  return v;
}

function arr(v: unknown, c: Ctx, length?: number): unknown[] {
  if (!Array.isArray(v)) c.fail(`expected an array, received ${describe(v)}`);
  if (length !== undefined && v.length !== length) {
    c.fail(`expected ${length} entries, received ${v.length}`);
  }
  return v;
}

function shape(v: unknown, c: Ctx, rank?: number): number[] {
  const a = arr(v, c, rank);
  if (a.length === 0) c.fail("expected a non-empty shape, received []");
  return a.map((d, i) => int(d, c.at(i), 1, 1 << 24));
}

function pair(v: unknown, c: Ctx): [number, number] {
  const [a, b] = arr(v, c, 2).map((d, i) => int(d, c.at(i), 1, 1 << 16));
  return [a, b];
}

function optionalName(l: Obj, c: Ctx): void {
  if (l.name !== undefined) str(l.name, c.at("name"));
}

function count(s: number[]): number {
  return s.reduce((a, b) => a * b, 1);
}

function checkWeights(v: unknown, c: Ctx, budget: { left: number }): WeightTensor {
  const w = obj(v, c);
  const kind = str(w.kind, c.at("kind"));
  const s = shape(w.shape, c.at("shape"));
  const scale = int(w.scale_log2, c.at("scale_log2"), -MAX_SCALE_LOG2, MAX_SCALE_LOG2);
  const n = count(s);
  budget.left -= n;
  if (budget.left < 0) c.fail(`the model holds more than ${MAX_MODEL_WEIGHTS} weights`);
  if (kind === "pow2") {
    const sign = arr(w.sign, c.at("sign"), n);
    const exponent = arr(w.exponent, c.at("exponent"), n);
    for (let i = 0; i < n; i++) {
      const sv = sign[i];
      if (sv !== -1 && sv !== 0 && sv !== 1) {
        c.at("sign").at(i).fail(`expected -1, 0 or 1, received ${describe(sv)}`);
      }
      const e = exponent[i] as number;
      if (typeof e !== "number" || !Number.isInteger(e)) {
        c.at("exponent").at(i).fail(`expected an integer, received ${describe(e)}`);
      }
      if (sv !== 0 && (e + scale < 0 || e + scale > MAX_WEIGHT_EXPONENT)) {
        c.at("exponent").at(i).fail(
          `expected exponent + scale_log2 in [0, ${MAX_WEIGHT_EXPONENT}], received ${e} + ${scale}`,
        );
      }
    }
    return {
      kind,
      shape: s,
      sign: sign as number[],
      exponent: exponent as number[],
      scale_log2: scale,
    };
  }
  if (kind === "int") {
    const values = arr(w.values, c.at("values"), n);
    for (let i = 0; i < n; i++) {
      const x = values[i];
      if (typeof x !== "number" || !Number.isSafeInteger(x)) {
        c.at("values").at(i).fail(`expected a safe integer, received ${describe(x)}`);
      }
    }
    return { kind, shape: s, values: values as number[], scale_log2: scale };
  }
  return c.at("kind").fail(`expected "pow2" or "int", received ${describe(kind)}`);
}

function checkDyadic(v: unknown, c: Ctx): Dyadic {
  const d = obj(v, c);
  bigInteger(d.m, c.at("m"));
  const e = int(d.e, c.at("e"), -MAX_SCALE_LOG2, MAX_SCALE_LOG2);
  return { m: d.m as number | string, e };
}

function checkLayer(v: unknown, c: Ctx, budget: { left: number }): Layer {
  const l = obj(v, c);
  optionalName(l, c);
  const type = str(l.type, c.at("type"));
  switch (type) {
    case "dense":
      int(l.units, c.at("units"), 1, 1 << 24);
      checkWeights(l.weights, c.at("weights"), budget);
      return l as unknown as Layer;
    case "conv2d": {
      int(l.filters, c.at("filters"), 1, 1 << 16);
      pair(l.kernel, c.at("kernel"));
      pair(l.strides, c.at("strides"));
      const p = l.padding;
      if (Array.isArray(p)) {
        arr(p, c.at("padding"), 4).forEach((x, i) => int(x, c.at("padding").at(i), 0, 1 << 12));
      } else if (p !== "valid" && p !== "same") {
        c.at("padding").fail(
          `expected "valid", "same" or [top, bottom, left, right], received ${describe(p)}`,
        );
      }
      checkWeights(l.weights, c.at("weights"), budget);
      return l as unknown as Layer;
    }
    case "bias":
      arr(l.values, c.at("values")).forEach((x, i) => bigInteger(x, c.at("values").at(i)));
      int(l.scale_log2, c.at("scale_log2"), -4 * MAX_SCALE_LOG2, 64 * MAX_SCALE_LOG2);
      return l as unknown as Layer;
    case "sum_pool":
    case "average_pool":
      pair(l.pool, c.at("pool"));
      pair(l.strides, c.at("strides"));
      return l as unknown as Layer;
    case "flatten":
      return l as unknown as Layer;
    case "activation": {
      str(l.kind, c.at("kind"));
      const coeffs = arr(l.coefficients, c.at("coefficients")).map((d, i) =>
        checkDyadic(d, c.at("coefficients").at(i))
      );
      if (coeffs.length < 2 || coeffs.length > MAX_ACTIVATION_DEGREE + 1) {
        c.at("coefficients").fail(
          `expected between 2 and ${
            MAX_ACTIVATION_DEGREE + 1
          } coefficients (degree 1..${MAX_ACTIVATION_DEGREE}), received ${coeffs.length}`,
        );
      }
      if (BigInt(coeffs[coeffs.length - 1].m) === 0n) {
        c.at("coefficients").at(coeffs.length - 1).fail(
          "expected the leading coefficient to be nonzero, received 0",
        );
      }
      return l as unknown as ActivationLayer;
    }
    default:
      return c.at("type").fail(
        `expected one of dense, conv2d, bias, sum_pool, average_pool, flatten, activation; received ${
          describe(type)
        }`,
      );
  }
}

function checkInput(v: unknown, c: Ctx): InputSpec {
  const i = obj(v, c);
  const s = shape(i.shape, c.at("shape"));
  if (s.length !== 1 && s.length !== 3) {
    c.at("shape").fail(`expected [features] or [h, w, c], received [${s}]`);
  }
  const min = int(i.min, c.at("min"), -(2 ** 40), 2 ** 40);
  const max = int(i.max, c.at("max"), -(2 ** 40), 2 ** 40);
  if (min > max) c.at("max").fail(`expected max >= min (${min}), received ${max}`);
  int(i.scale_log2, c.at("scale_log2"), -MAX_SCALE_LOG2, MAX_SCALE_LOG2);
  return i as unknown as InputSpec;
}

/**
 * `metadata.privacy`, when present: the DP claim. `epsilon` > 0 and finite, `delta` in [0, 1),
 * `noise_source` one of {@linkcode NOISE_SOURCES} (required: a claim must say whether its noise
 * was secret), `accountant` a string and `not_covered` an array of strings when given, and the
 * accounting fields as {@linkcode accountingProblem} requires.
 */
function checkPrivacy(v: unknown, c: Ctx): PrivacyMetadata {
  const p = obj(v, c);
  const eps = p.epsilon;
  if (typeof eps !== "number" || !(eps > 0) || !Number.isFinite(eps)) {
    c.at("epsilon").fail(`expected a finite number > 0, received ${describe(eps)}`);
  }
  const delta = p.delta;
  if (typeof delta !== "number" || !(delta >= 0 && delta < 1)) {
    c.at("delta").fail(`expected a number in [0, 1), received ${describe(delta)}`);
  }
  if (p.accountant !== undefined) str(p.accountant, c.at("accountant"));
  const source = p.noise_source;
  if (!(NOISE_SOURCES as readonly unknown[]).includes(source)) {
    c.at("noise_source").fail(
      `expected ${NOISE_SOURCES.map((s) => JSON.stringify(s)).join(" or ")} (where the DP noise ` +
        `came from), received ${source === undefined ? "nothing" : describe(source)}`,
    );
  }
  if (p.not_covered !== undefined) {
    arr(p.not_covered, c.at("not_covered")).forEach((x, i) => {
      if (str(x, c.at("not_covered").at(i)).trim() === "") {
        c.at("not_covered").at(i).fail("expected a non-empty string, received an empty one");
      }
    });
  }
  const bad = accountingProblem(p as PrivacyMetadata);
  if (bad) c.at(bad.field).fail(bad.message);
  return p as PrivacyMetadata;
}

/**
 * Validates a parsed JSON document and returns it as a {@linkcode QuantizedModel}. Every field is
 * checked (including the DP claim `metadata.privacy`, whose `noise_source` is required), then the
 * network is compiled to check that shapes and scales agree layer by layer.
 *
 * @throws {ModelFormatError} naming the layer and field that is wrong.
 */
export function parseModel(doc: unknown): QuantizedModel {
  const root = new Ctx("model");
  const m = obj(doc, root);
  if (m.format !== MODEL_FORMAT) {
    root.at("format").fail(
      `expected ${JSON.stringify(MODEL_FORMAT)}, received ${describe(m.format)}`,
    );
  }
  if (m.version !== MODEL_FORMAT_VERSION) {
    root.at("version").fail(
      `expected version ${MODEL_FORMAT_VERSION}, received ${describe(m.version)}`,
    );
  }
  str(m.name, root.at("name"));
  checkInput(m.input, root.at("input"));
  const layers = arr(m.layers, root.at("layers"));
  if (layers.length === 0) root.at("layers").fail("expected at least one layer, received none");
  const budget = { left: MAX_MODEL_WEIGHTS };
  layers.forEach((l, i) => checkLayer(l, new Ctx(`model.layers[${i}]`, i), budget));
  if (m.classes !== undefined) {
    arr(m.classes, root.at("classes")).forEach((x, i) => str(x, root.at("classes").at(i)));
  }
  if (m.preprocessing !== undefined) {
    const inputs = count(shape((m.input as Obj).shape, root.at("input").at("shape")));
    checkPreprocessing(m.preprocessing, inputs);
  }
  if (m.metadata !== undefined) {
    const meta = obj(m.metadata, root.at("metadata"));
    if (meta.privacy !== undefined) checkPrivacy(meta.privacy, root.at("metadata").at("privacy"));
  }
  const model = m as unknown as QuantizedModel;
  compileModel(model);
  return model;
}

/** Parses model JSON text; a syntax error becomes a {@linkcode ModelFormatError} too. */
export function parseModelJson(text: string): QuantizedModel {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new ModelFormatError(
      "model",
      `expected JSON, received text that does not parse (${(e as Error).message})`,
    );
  }
  return parseModel(doc);
}
