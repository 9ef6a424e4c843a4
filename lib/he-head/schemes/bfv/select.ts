/**
 * Parameter selection: from the model, its input range and the encoding, derive plaintext moduli
 * that no output can overflow (interval analysis for simd and masked poly, coefficient analysis
 * for unmasked poly) and the cheapest ring degree / number of CRT moduli whose noise budget lasts
 * the circuit at SEAL's 128-bit security level (and, for flooded plans, leaves room for the
 * flooding noise: `flooding.ts`).
 *
 * @module
 */
import { evaluate, type EvaluateOptions } from "../../engine/evaluate.ts";
import type { LayerHops } from "../../engine/hops.ts";
import { totalHops } from "../../engine/hops.ts";
import { countHops } from "../../engine/plain.ts";
import type { Network } from "../../../model/network.ts";
import {
  CoefficientBackend,
  CoefficientOverflow,
  coefficientSummary,
} from "./coefficient_backend.ts";
import { type FloodingAnalysis, floodingAnalysis } from "./flooding.ts";
import {
  BFV_DEFAULT_COEFF_BITS,
  dataModulusBits,
  type Encoding,
  type HeParams,
  presetName,
  RING_DEGREES,
} from "./bfv_params.ts";
import { outputMagnitudeBound } from "../../engine/output_bound.ts";
import {
  type Budget,
  NoiseBackend,
  type NoiseModel,
  SEAL_BFV_NOISE_MODEL,
} from "./noise_backend.ts";
import { DEFAULT_OP_COSTS, expectedMs, type OpCostTable } from "../../engine/op_costs.ts";
import { batchingPrimes } from "../../engine/primes.ts";

/** Options of {@linkcode selectParameters}. */
export interface SelectOptions {
  /** The plaintext layout. */
  encoding: Encoding;
  /** simd: queries per request; the ring degree must offer that many slots. Default 1. */
  batchSize?: number;
  /** Budget (bits) that must remain at the outputs. Default 4. */
  marginBits?: number;
  /** Ring degrees to consider. Default all supported. */
  degrees?: readonly number[];
  /** Most plaintext moduli to consider. Default 8. */
  maxModuli?: number;
  /** How the engine will evaluate (affects HOPs and noise). */
  evaluate?: EvaluateOptions;
  /** Operation costs used to rank candidates. */
  costs?: OpCostTable;
  /** Noise model. */
  noise?: NoiseModel;
  /**
   * poly: the answers will be masked with a random multiple of `(X - 2)` and decoded at 2 modulo
   * each plaintext modulus, so the moduli must hold the logits' range (interval analysis) rather
   * than every coefficient; the output degree must still stay below n. Default false.
   */
  maskedOutputs?: boolean;
  /** Leave room to flood the answers' noise with this statistical security (bits). */
  flooding?: { statisticalBits: number };
}

/** A considered candidate. */
export interface Candidate {
  /** The candidate's preset name. */
  name: string;
  /** Ring degree n. */
  degree: number;
  /** Number of plaintext moduli. */
  moduli: number;
  /** Bits of each plaintext modulus. */
  bitsPerModulus: number;
  /** Whether it fits (noise budget and ring). */
  ok: boolean;
  /** Why it does not fit. */
  reason?: string;
  /** Estimated output noise budget (bits). */
  noiseBudgetBits: number;
  /** Expected evaluation time under the cost table (ms). */
  estimatedMs: number;
}

/** The chosen parameters and the analysis behind them. */
export interface ParameterChoice {
  /** The chosen parameter set. */
  params: HeParams;
  /** Its preset name. */
  name: string;
  /** simd and masked poly: largest output magnitude; unmasked poly: largest output coefficient. */
  outputBound: bigint;
  /** poly: largest output degree. */
  outputDegree?: number;
  /** Estimated noise budget left at the outputs (bits), before any flooding. */
  noiseBudgetBits: number;
  /** Flooded parameter sets: the flooding noise and the budget it leaves. */
  flooding?: FloodingAnalysis;
  /** Estimated smallest budget after each layer (bits). */
  layerBudgets: { layer: number; name: string; bits: number }[];
  /** HOPs per layer for one plaintext modulus. */
  hops: LayerHops[];
  /** Expected evaluation time for all moduli (ms) under the cost table. */
  estimatedMs: number;
  /** Every candidate considered, in order. */
  candidates: Candidate[];
}

/** No parameter set fits the model; names the layer where it fails. */
export class ParameterSelectionError extends Error {
  /** Index and name of the layer where the best candidate failed, when known. */
  readonly layer?: { index: number; name: string };
  /**
   * Creates a {@linkcode ParameterSelectionError}.
   *
   * @param message why no parameters fit
   * @param layer where the best candidate failed, when known
   */
  constructor(message: string, layer?: { index: number; name: string }) {
    super(message);
    this.name = "ParameterSelectionError";
    this.layer = layer;
  }
}

function bitLength(x: bigint): number {
  return x <= 0n ? 0 : x.toString(2).length;
}

/** `k` batching primes of `b` or more bits whose product exceeds `need` (null if over 60 bits). */
function plainModuliFor(n: number, b: number, k: number, need: bigint): bigint[] | null {
  for (; b <= 60; b++) {
    let primes: bigint[];
    try {
      primes = batchingPrimes(n, b, k);
    } catch {
      continue;
    }
    if (primes.reduce((x, y) => x * y, 1n) > need) return primes;
  }
  return null;
}

/**
 * Largest output the plaintext moduli must hold (simd: magnitude; poly: coefficient, and the
 * output degree; masked poly: magnitude, and the output degree).
 */
export function outputBound(
  net: Network,
  encoding: Encoding,
  options: EvaluateOptions = {},
  masked = false,
): {
  bound: bigint;
  degree?: number;
} {
  if (encoding === "poly" && masked) {
    return {
      bound: outputBound(net, "simd", options).bound,
      degree: outputBound(net, "poly", options).degree,
    };
  }
  if (encoding === "simd") return { bound: outputMagnitudeBound(net, options) };
  const bits = bitLength(BigInt(Math.max(Math.abs(net.inputMin), Math.abs(net.inputMax))));
  const inputs = Array.from(
    { length: net.inputSize },
    () => ({ c: new Float64Array(bits).fill(1) }),
  );
  let at = 0;
  let outputs;
  try {
    outputs = evaluate(net, new CoefficientBackend(Math.max(...RING_DEGREES)), inputs, {
      ...options,
      onOp: ({ done }) => (at = done),
    }).outputs;
  } catch (e) {
    if (!(e instanceof CoefficientOverflow)) throw e;
    const op = net.ops[at];
    throw new ParameterSelectionError(
      `poly encoding: at layer "${op.name}" (index ${op.layer}) the ${e.message}; ` +
        "expected polynomials that fit the largest ring degree",
      { index: op.layer, name: op.name },
    );
  }
  let max = 0, degree = 0;
  for (const o of outputs) {
    if (o.ct === null) continue;
    const s = coefficientSummary(o.ct);
    max = Math.max(max, s.maxCoefficient);
    degree = Math.max(degree, s.degree);
  }
  // Float sums of integer bounds: inflate by a relative 1e-9 to cover rounding.
  return { bound: BigInt(Math.ceil(max * (1 + 1e-9))), degree };
}

/** Runs the noise model and returns the output budget and the low-water mark of each layer. */
export function estimateNoise(
  net: Network,
  encoding: Encoding,
  degree: number,
  logT: number,
  options: { evaluate?: EvaluateOptions; noise?: NoiseModel } = {},
): { outputBits: number; layers: { layer: number; name: string; bits: number }[] } {
  const model = options.noise ?? SEAL_BFV_NOISE_MODEL;
  const backend = new NoiseBackend(encoding, degree, logT, model);
  const fresh = dataModulusBits({ coeffModulusBits: [...BFV_DEFAULT_COEFF_BITS[degree]] }) - logT -
    model.freshLoss;
  const inputs: Budget[] = Array.from({ length: net.inputSize }, () => ({ bits: fresh }));
  const layers: { layer: number; name: string; bits: number }[] = [];
  let prev = fresh;
  backend.resetLow();
  const { outputs } = evaluate(net, backend, inputs, {
    ...options.evaluate,
    onOp: ({ done }) => {
      const op = net.ops[done - 1];
      const bits = backend.low === Infinity ? prev : backend.low;
      prev = bits;
      backend.resetLow();
      const last = layers[layers.length - 1];
      if (last && last.layer === op.layer) last.bits = Math.min(last.bits, bits);
      else layers.push({ layer: op.layer, name: op.name, bits });
    },
  });
  let outputBits = fresh;
  for (const o of outputs) if (o.ct !== null) outputBits = Math.min(outputBits, o.ct.bits);
  return { outputBits, layers };
}

/** What every candidate of one selection is judged against. */
interface Selection {
  net: Network;
  options: SelectOptions;
  encoding: Encoding;
  margin: number;
  batch: number;
  maxModuli: number;
  costs: OpCostTable;
  degrees: number[];
  masked: boolean;
  flooding: { statisticalBits: number } | undefined;
  bound: bigint;
  outDegree: number | undefined;
  need: bigint;
  hops: LayerHops[];
  perModulusHops: ReturnType<typeof totalHops>;
}

type Layers = { layer: number; name: string; bits: number }[];

/** A candidate that fits, with what the choice reports about it. */
interface Fit {
  c: Candidate;
  params: HeParams;
  layers: Layers;
  flooding?: FloodingAnalysis;
}

function selection(net: Network, options: SelectOptions): Selection {
  const encoding = options.encoding;
  const masked = encoding === "poly" && (options.maskedOutputs ?? false);
  const { bound, degree: outDegree } = outputBound(net, encoding, options.evaluate, masked);
  const hops = countHops(net, { encoding, ...options.evaluate });
  return {
    net,
    options,
    encoding,
    margin: options.marginBits ?? 4,
    batch: options.batchSize ?? 1,
    maxModuli: options.maxModuli ?? 8,
    costs: options.costs ?? DEFAULT_OP_COSTS,
    degrees: (options.degrees ?? RING_DEGREES).filter((n) => RING_DEGREES.includes(n)),
    masked,
    flooding: options.flooding,
    bound,
    outDegree,
    need: 2n * bound + 1n,
    hops,
    perModulusHops: totalHops(hops),
  };
}

function candidateParams(s: Selection, n: number, primes: bigint[]): HeParams {
  return {
    scheme: "bfv",
    encoding: s.encoding,
    polyModulusDegree: n,
    coeffModulusBits: [...BFV_DEFAULT_COEFF_BITS[n]],
    plainModuli: primes.map(String),
    securityLevel: 128,
    ...(s.masked ? { maskedOutputs: true as const } : {}),
    ...(s.flooding ? { floodingBits: s.flooding.statisticalBits } : {}),
  };
}

/**
 * Judges one candidate: the output degree, the noise budget and (flooded sets) the budget left
 * after flooding. Sets `c.ok`, `c.reason` and `c.noiseBudgetBits`; returns the fit, or the noise
 * layers of a candidate that ran out of budget.
 */
function judge(
  s: Selection,
  c: Candidate,
  params: HeParams,
): { fit: Fit } | { outOfBudget: Layers } | null {
  const n = c.degree;
  if (s.encoding === "poly" && s.outDegree !== undefined && s.outDegree >= n) {
    c.reason = `output degree ${s.outDegree} does not fit ring degree ${n}`;
    return null;
  }
  const noise = estimateNoise(s.net, s.encoding, n, c.bitsPerModulus, s.options);
  c.noiseBudgetBits = noise.outputBits;
  if (noise.outputBits < s.margin) {
    c.reason = `noise budget ${noise.outputBits.toFixed(1)} bits < margin ${s.margin}`;
    return { outOfBudget: noise.layers };
  }
  let flood: FloodingAnalysis | undefined;
  if (s.flooding) {
    flood = floodingAnalysis({
      ringDegree: n,
      dataModulusBits: dataModulusBits(params),
      plainModulusBits: c.bitsPerModulus,
      outputBudgetBits: noise.outputBits,
      statisticalBits: s.flooding.statisticalBits,
    });
    if (flood.budgetAfterBits < s.margin) {
      c.reason = `flooding leaves ${flood.budgetAfterBits} bits of budget < margin ${s.margin}`;
      return null;
    }
  }
  c.ok = true;
  return { fit: { c, layers: noise.layers, params, flooding: flood } };
}

/** Why no candidate fits: the output degree, flooding, the noise budget, or the moduli. */
function noFit(
  s: Selection,
  candidates: Candidate[],
  worstFail: { c: Candidate; layers: Layers } | null,
): ParameterSelectionError {
  const { net, encoding, outDegree, degrees, flooding, margin } = s;
  if (encoding === "poly" && outDegree !== undefined && outDegree >= Math.max(...degrees)) {
    const last = net.layers[net.layers.length - 1];
    return new ParameterSelectionError(
      `the outputs reach polynomial degree ${outDegree}, expected below the largest ring degree ${
        Math.max(...degrees)
      }`,
      { index: last.index, name: last.name },
    );
  }
  if (flooding && candidates.some((c) => c.reason?.startsWith("flooding"))) {
    return new ParameterSelectionError(
      `no BFV parameters leave room to flood the answers (${flooding.statisticalBits}-bit statistical security): ` +
        candidates.map((c) => `${c.name}: ${c.reason}`).join("; "),
    );
  }
  if (worstFail) {
    const at = worstFail.layers.find((l) => l.bits < margin) ??
      worstFail.layers[worstFail.layers.length - 1];
    return new ParameterSelectionError(
      `no BFV parameters fit: even ${worstFail.c.name} runs out of noise budget at layer "${at.name}" (index ${at.layer}): ` +
        `estimated ${at.bits.toFixed(1)} bits left, expected at least ${margin}`,
      { index: at.layer, name: at.name },
    );
  }
  return new ParameterSelectionError(
    `no BFV parameters fit: outputs need ${
      bitLength(s.need)
    } bits of plaintext modulus, more than ${s.maxModuli} moduli of 60 bits can hold` +
      (encoding === "simd" ? ` (or no ring degree offers ${s.batch} slots)` : ""),
  );
}

/**
 * Picks the cheapest parameter set under which the model evaluates exactly.
 *
 * @throws {ParameterSelectionError} when no candidate fits, naming the failing layer.
 */
export function selectParameters(net: Network, options: SelectOptions): ParameterChoice {
  const s = selection(net, options);
  const candidates: Candidate[] = [];
  let best: Fit | null = null;
  let worstFail: { c: Candidate; layers: Layers } | null = null;
  for (const n of s.degrees) {
    if (s.encoding === "simd" && s.batch > n) continue;
    for (let k = 1; k <= s.maxModuli; k++) {
      const minBits = Math.ceil(Math.log2(2 * n)) + 2;
      const b0 = Math.max(minBits, Math.ceil(bitLength(s.need) / k) + 1);
      const primes = plainModuliFor(n, b0, k, s.need);
      if (!primes) continue;
      const params = candidateParams(s, n, primes);
      const c: Candidate = {
        name: presetName(params),
        degree: n,
        moduli: k,
        bitsPerModulus: bitLength(primes[0]),
        ok: false,
        noiseBudgetBits: -Infinity,
        estimatedMs: k * (s.costs[n] ? expectedMs(s.perModulusHops, s.costs[n]) : Infinity),
      };
      candidates.push(c);
      // More moduli cannot help once each is as small as the ring allows.
      if (b0 === minBits) k = s.maxModuli;
      const verdict = judge(s, c, params);
      if (verdict && "outOfBudget" in verdict) {
        if (!worstFail || c.noiseBudgetBits > worstFail.c.noiseBudgetBits) {
          worstFail = { c, layers: verdict.outOfBudget };
        }
      } else if (verdict && (!best || c.estimatedMs < best.c.estimatedMs)) best = verdict.fit;
    }
  }
  if (!best) throw noFit(s, candidates, worstFail);
  return {
    params: best.params,
    name: presetName(best.params),
    outputBound: s.bound,
    outputDegree: s.outDegree,
    noiseBudgetBits: best.c.noiseBudgetBits,
    ...(best.flooding ? { flooding: best.flooding } : {}),
    layerBudgets: best.layers,
    hops: s.hops,
    estimatedMs: best.c.estimatedMs,
    candidates,
  };
}
