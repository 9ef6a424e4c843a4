/**
 * A packed CKKS plan for whole networks `linear -> [bias] -> activation (degree <= 2) -> linear
 * -> ... -> linear -> [bias]` (conv2d and pooling layers become sparse matrices): one ciphertext
 * per image, every layer a packed matrix-vector product ({@linkcode PackedMatVec}), every
 * activation one ciphertext square for all units together. The activation's coefficients are
 * folded into the next product (`a2 M y^2 + a1 M y + a0 M 1`), so each layer costs one level
 * and each activation one more. Per-stage scale factors, derived from worst-case magnitudes,
 * keep every slot within the headroom of its level.
 *
 * @module
 */
import type { Ciphertext, GaloisKeys, RelinKeys } from "node-seal/dist/seal_throws.d.ts";
import { type HopCounts, zeroHops } from "../../engine/hops.ts";
import type { IntRow, LinearOp, Network, Pow2Row } from "../../../model/network.ts";
import { sealCall } from "../../seal/runtime.ts";
import type { CkksContext } from "../../schemes/ckks/ckks_context.ts";
import type { CkksParams } from "../../schemes/ckks/ckks_params.ts";
import {
  matVecGeometry,
  PackedMatVec,
  pow2AtLeast,
  type RealMatrix,
  type RotationSchedule,
} from "../../schemes/ckks/packed_matvec.ts";
import { type ProductShape, scheduleRotations } from "./rotation_schedule.ts";

/** One product stage of the packed network. */
export interface PackedStage {
  /** `M_j` for the inputs `[y^2, y]` (or `[x]` for the first stage). */
  matrices: RealMatrix[];
  /** Added to every output (real). */
  bias: Float64Array;
  /** Input period. */
  period: number;
  /** Whether the stage is followed by an activation (a square). */
  activation: boolean;
  /** How its rotations are made from few keys; null: one key per rotation amount. */
  schedule: RotationSchedule | null;
}

/** The compiled packed network. */
export interface PackedNetworkPlan {
  /** The product stages, in order. */
  stages: PackedStage[];
  /** Inputs of the network. */
  inputSize: number;
  /** The client encodes `x_int * inputUnit` (at most 1 in magnitude). */
  inputUnit: number;
  /** Real logits are `outputFactor` times the decrypted slots. */
  outputFactor: number;
  /** Outputs of the network. */
  outputs: number;
  /** Every rotation step used (the Galois keys the client makes). */
  galoisSteps: number[];
  /** Levels (rescales) the evaluation needs. */
  levels: number;
}

function realMatrix(op: LinearOp): RealMatrix {
  const unit = 2 ** -(op.outScale - op.inScale);
  const values = new Float64Array(op.outSize * op.inSize);
  (op.rows as (Pow2Row | IntRow)[]).forEach((r, row) => {
    r.inputs.forEach((c, t) => {
      const w = "exps" in r
        ? (r as Pow2Row).signs[t] * 2 ** (r as Pow2Row).exps[t]
        : (r as IntRow).values[t];
      values[row * op.inSize + c] += w * unit;
    });
  });
  return { rows: op.outSize, cols: op.inSize, values };
}

function scaleMatrix(M: RealMatrix, k: number): RealMatrix {
  return { rows: M.rows, cols: M.cols, values: M.values.map((v) => v * k) };
}

function rowBound(M: RealMatrix, inBound: number, bias: Float64Array): number {
  let b = 0;
  for (let r = 0; r < M.rows; r++) {
    let s = Math.abs(bias[r]);
    for (let c = 0; c < M.cols; c++) s += Math.abs(M.values[r * M.cols + c]) * inBound;
    b = Math.max(b, s);
  }
  return b;
}

/** One linear layer with the bias and (degree <= 2) activation that follow it. */
interface LinearGroup {
  linear: LinearOp;
  bias: Float64Array;
  act: [number, number, number] | null;
}

/**
 * The network as linear groups (linear, bias, activation of degree <= 2), ending without an
 * activation; null when it has another shape.
 */
function linearGroups(net: Network): LinearGroup[] | null {
  const ops = [...net.ops];
  const groups: LinearGroup[] = [];
  while (ops.length) {
    const l = ops.shift()!;
    if (l.op !== "linear") return null;
    const bias = new Float64Array(l.outSize);
    if (ops[0]?.op === "bias") {
      const b = ops.shift()!;
      if (b.op === "bias") b.values.forEach((v, i) => (bias[i] = Number(v) * 2 ** -b.outScale));
    }
    let act: [number, number, number] | null = null;
    if (ops[0]?.op === "activation") {
      const a = ops.shift()!;
      if (a.op !== "activation" || a.degree > 2) return null;
      act = [0, 1, 2].map((
        i,
      ) => (a.coefficients[i]
        ? Number(a.coefficients[i].value) * 2 ** (i * a.inScale - a.outScale)
        : 0)
      ) as [
        number,
        number,
        number,
      ];
    }
    groups.push({ linear: l, bias, act });
  }
  if (!groups.length || groups[groups.length - 1].act !== null) return null;
  return groups;
}

/**
 * Compiles a network for the packed plan with `slots` slots, keeping every slot value below
 * `2^headroomBits` at every step, its rotations made from as many Galois keys as fit
 * `keyBudgetBytes` with the relinearisation key (omitted: one key per rotation amount, the
 * fastest and largest). Returns null when the network has another shape.
 *
 * @throws {RangeError} when not even one Galois key fits the budget.
 */
export function packedNetworkPlan(
  net: Network,
  slots: number,
  headroomBits: number,
  keyBudgetBytes?: number,
): PackedNetworkPlan | null {
  const groups = linearGroups(net);
  if (!groups) return null;

  // Real inputs are x_int * 2^-inputScale; the client encodes x_int / max|x_int| (<= 1) and the
  // first matrix takes the rest.
  const xScale = Math.max(Math.abs(net.inputMin), Math.abs(net.inputMax), 1);
  const limit = 2 ** (headroomBits - 1);
  const stages: PackedStage[] = [];
  let period = pow2AtLeast(net.inputSize);
  if (period > slots) return null;
  // What feeds the next stage: the first input (x), a linear output y' = y / f, or an
  // activation of one, a2 y^2 + a1 y + a0 = a2 f^2 y'^2 + a1 f y' + a0.
  let prev: { kind: "input" } | { kind: "linear"; f: number; bound: number } | {
    kind: "act";
    a: [number, number, number];
    f: number;
    bound: number;
  } = { kind: "input" };
  let factor = 1;
  for (const g of groups) {
    const M = realMatrix(g.linear);
    let bias = g.bias.slice();
    let matrices: RealMatrix[];
    let bounds: number[];
    if (prev.kind === "input") {
      matrices = [scaleMatrix(M, xScale * 2 ** -net.inputScale)];
      bounds = [1];
    } else if (prev.kind === "linear") {
      matrices = [scaleMatrix(M, prev.f)];
      bounds = [prev.bound];
    } else {
      const { a, f, bound } = prev;
      matrices = [scaleMatrix(M, a[2] * f * f)];
      bounds = [bound * bound];
      if (a[1] !== 0) {
        matrices.push(scaleMatrix(M, a[1] * f));
        bounds.push(bound);
      }
      for (let r = 0; r < M.rows; r++) {
        let s = 0;
        for (let c = 0; c < M.cols; c++) s += M.values[r * M.cols + c];
        bias[r] += a[0] * s;
      }
    }
    const zero = new Float64Array(M.rows);
    let bound = matrices.reduce((s, Mj, j) => s + rowBound(Mj, bounds[j], zero), 0) +
      Math.max(...bias.map(Math.abs));
    // Scale the stage's output into the headroom (a square must fit too).
    const f = Math.max(1, (2 * bound) / (g.act ? Math.sqrt(limit) : limit));
    matrices = matrices.map((Mj) => scaleMatrix(Mj, 1 / f));
    bias = bias.map((v) => v / f);
    bound /= f;
    const rows = g.linear.outSize;
    if (matVecGeometry(rows, period).stride > period) return null;
    stages.push({ matrices, bias, period, activation: g.act !== null, schedule: null });
    prev = g.act ? { kind: "act", a: g.act, f, bound } : { kind: "linear", f, bound };
    factor = f;
    period = pow2AtLeast(rows);
  }
  const levels = stages.length + stages.filter((s) => s.activation).length;
  return {
    stages,
    inputSize: net.inputSize,
    inputUnit: 1 / xScale,
    outputFactor: factor,
    outputs: net.outputSize,
    galoisSteps: keyBudgetBytes === undefined
      ? directSteps(stages)
      : scheduleStages(stages, levels, keysWithin(keyBudgetBytes, levels, 2 * slots)),
    levels,
  };
}

/**
 * Galois keys that fit `bytes` beside the relinearisation key, in SEAL's seeded serialization
 * at `levels` levels and ring degree `n`: each key-switching key is `k` digits of one
 * polynomial over the `k + 1` primes (`k = levels + 1`; the other polynomial is a seed), 8
 * bytes a coefficient; a Galois key set also carries 8 bytes per Galois element.
 */
function keysWithin(bytes: number, levels: number, n: number): number {
  const k = levels + 1;
  const perKey = k * (k + 1) * n * 8 + 1024;
  const keys = Math.floor((bytes - perKey - 8 * n - 4096) / perKey);
  if (keys < 1) {
    throw new RangeError(
      `expected a key budget of at least ${3 * perKey} bytes, received ${bytes}`,
    );
  }
  return keys;
}

/** Every rotation amount of every stage, each its own key (the stages keep no schedule). */
function directSteps(stages: readonly PackedStage[]): number[] {
  const steps = new Set<number>();
  for (const s of stages) {
    for (const st of matVecGeometry(s.matrices[0].rows, s.period).steps) steps.add(st);
  }
  return [...steps].sort((a, b) => a - b);
}

/**
 * The stages' shapes for the rotation search: nonzero diagonals `(c - r) mod m`, and a
 * rotation's cost at `p` primes taken as `p (p + 1)` (key switching: `p` digits, each over
 * `p + 1` primes).
 */
function stageShapes(stages: readonly PackedStage[], levels: number): ProductShape[] {
  let primes = levels + 1;
  return stages.map((s) => {
    const stride = pow2AtLeast(s.matrices[0].rows);
    const diagonals = new Set<number>();
    for (const M of s.matrices) {
      for (let r = 0; r < M.rows; r++) {
        for (let c = 0; c < M.cols; c++) {
          if (M.values[r * M.cols + c] !== 0) diagonals.add((((c - r) % stride) + stride) % stride);
        }
      }
    }
    const shape = {
      stride,
      period: s.period,
      inputs: s.matrices.length,
      diagonals: [...diagonals],
      weight: primes * (primes + 1),
    };
    primes -= s.activation ? 2 : 1;
    return shape;
  });
}

/** Gives every stage its rotation schedule within `maxKeys` keys; returns the keys. */
function scheduleStages(stages: PackedStage[], levels: number, maxKeys: number): number[] {
  const { schedules, keys } = scheduleRotations(stageShapes(stages, levels), maxKeys);
  stages.forEach((s, i) => (s.schedule = schedules[i]));
  return keys;
}

/** CKKS parameters for a packed network: a base prime, one prime per level, a special prime. */
export function packedNetworkParams(levels: number, n = 8192): CkksParams {
  const total = { 8192: 218, 16384: 438 }[n] ?? 218;
  const scale = 28, base = 40;
  const special = total - base - levels * scale;
  if (special < scale) {
    throw new RangeError(`${levels} levels do not fit ring degree ${n} at a 2^${scale} scale`);
  }
  return {
    scheme: "ckks",
    polyModulusDegree: n,
    coeffModulusBits: [base, ...new Array(levels).fill(scale), Math.min(special, 60)],
    scaleBits: scale,
    weightScaleBits: scale,
    securityLevel: 128,
  };
}

/** The server side: the stages' products, ready to evaluate. Free with `delete()`. */
export class PackedNetwork {
  private readonly products: PackedMatVec[];
  /**
   * Creates a {@linkcode PackedNetwork}.
   *
   * @param ctx the CKKS context
   * @param plan the network's stages and scales
   */
  constructor(readonly ctx: CkksContext, readonly plan: PackedNetworkPlan) {
    this.products = plan.stages.map((s) => new PackedMatVec(ctx, s.matrices, s.period, s.schedule));
  }

  /** Plaintext multiplications per evaluation. */
  get multiplications(): number {
    return this.products.reduce((a, p) => a + p.multiplications, 0);
  }

  /** Evaluates one encrypted image; the first `outputs` slots of the result hold logits / factor. */
  evaluate(
    x: Ciphertext,
    galois: GaloisKeys,
    relin: RelinKeys,
  ): { result: Ciphertext; hops: HopCounts } {
    const { seal, evaluator: ev, encoder } = this.ctx;
    const hops = zeroHops();
    const delta = 2 ** this.ctx.params.scaleBits;
    const live: Ciphertext[] = [];
    const keep = (c: Ciphertext) => (live.push(c), c);
    try {
      let inputs: Ciphertext[] = [x];
      let y: Ciphertext | null = null;
      this.plan.stages.forEach((stage, k) => {
        const t = keep(this.products[k].apply(inputs, galois, delta * delta, hops));
        const slots = this.ctx.slots;
        const bias = new Float64Array(slots);
        for (let s = 0; s < slots; s++) {
          const r = s % this.products[k].geometry.stride;
          bias[s] = r < stage.bias.length ? stage.bias[r] : 0;
        }
        const pt = new seal.Plaintext();
        try {
          sealCall("encode bias", () => encoder.encode(bias, t.scale(), pt));
          sealCall("mod switch bias", () => ev.plainModSwitchToInplace(pt, t.parmsId()));
          ev.addPlainInplace(t, pt);
          hops.add_plain++;
        } finally {
          pt.delete();
        }
        sealCall("rescale", () => ev.rescaleToNextInplace(t));
        hops.rescale++;
        y = t;
        if (stage.activation) {
          const sq = keep(new seal.Ciphertext());
          sealCall("square", () => ev.square(t, sq));
          sealCall("relinearize", () => ev.relinearizeInplace(sq, relin));
          sealCall("rescale", () => ev.rescaleToNextInplace(sq));
          hops.ct_ct_mul++;
          hops.square++;
          hops.relin++;
          hops.rescale++;
          const lin = keep(new seal.Ciphertext());
          sealCall("mod switch", () => ev.cipherModSwitchTo(t, sq.parmsId(), lin));
          inputs = this.plan.stages[k + 1].matrices.length === 2 ? [sq, lin] : [sq];
        } else inputs = [t];
      });
      const result = y!;
      for (const c of live) if (c !== result) c.delete();
      return { result, hops };
    } catch (e) {
      for (const c of live) c.delete();
      throw e;
    }
  }

  /** Frees the encoded diagonals. */
  delete(): void {
    this.products.forEach((p) => p.delete());
  }
}
