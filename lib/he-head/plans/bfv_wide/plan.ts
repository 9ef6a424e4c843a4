/**
 * The `bfv_wide` plan: exact BFV for heads as wide as real extractors (d up to 1,024 inputs,
 * hidden widths up to 128; one hidden layer with a degree-2 power-of-two activation, or a linear
 * head). One ciphertext per query (n = 8192, one batching prime t above twice the logits'
 * interval bound); the first layer is a baby-step giant-step diagonal product whose rows already
 * carry the second layer (`wide_form.ts`), then one square, and the answer is additive shares of
 * the logits. Cost and fit come from the layout (`schemes/bfv/wide_budget.ts`): the planner
 * compares its expected time with the other plans'.
 *
 * @module
 */
import type { Network } from "../../../model/network.ts";
import { DEFAULT_OP_COSTS } from "../../engine/op_costs.ts";
import { outputMagnitudeBound } from "../../engine/output_bound.ts";
import {
  type BfvPackedParams,
  packedPresetName,
  smallestBatchingPrime,
} from "../../schemes/bfv/packed_params.ts";
import {
  wideBudgetBits,
  wideExpectedMs,
  wideHops,
  type WideOpCounts,
  wideOpCounts,
  widePrimesToDrop,
} from "../../schemes/bfv/wide_budget.ts";
import { wideForm } from "../../schemes/bfv/wide_form.ts";
import {
  diagonalSlots,
  wideGaloisSteps,
  type WideLayout,
  wideLayout,
} from "../../schemes/bfv/wide_layout.ts";
import { wideRows } from "../../schemes/bfv/wide_rows.ts";
import {
  validateWideParams,
  type WideWireParams,
  wideWireParams,
} from "../../schemes/bfv/wide_context.ts";
import { paramsHashHex } from "../../wire/params_hash.ts";
import {
  coeffModulusPrimes,
  describeSpec,
  type PlanDescriptionJson,
  specFromDescription,
} from "../describe.ts";
import {
  chargedPerCiphertext,
  type HeadShape,
  headShape,
  type KeyNeeds,
  needsKeys,
  type PlanDefinition,
  type PlanOptions,
  type PlanSpec,
} from "../plan.ts";

/** Queries a request may carry (one ciphertext and one evaluation each). */
const MAX_QUERIES = 4;

/** Noise-budget bits the estimate must leave. */
const MARGIN_BITS = 6;

/**
 * Rings tried in order: three 55-bit data primes (smaller queries, keys and operations), then
 * SEAL's default five primes (more budget). `extraLoss`: the special prime is below the data
 * primes.
 */
const RINGS = [
  { polyModulusDegree: 8192, coeffModulusBits: [55, 55, 55, 53], extraLoss: 3 },
  { polyModulusDegree: 8192, coeffModulusBits: [43, 43, 44, 44, 44], extraLoss: 0 },
] as const;

/** The plan's own facts. */
export interface WideExtra {
  /** The slot layout (both sides). */
  readonly layout: WideLayout;
  /** Rows per class (the client adds them). */
  readonly groups: number;
  /** Whether rows are squared. */
  readonly square: boolean;
  /** Data primes dropped from answers. */
  readonly responsePrimesDropped: number;
  /** SEAL operations of one evaluation (the floor's counts). */
  readonly ops: WideOpCounts;
  /** Estimated noise budget of the answer before switching (bits); null from a description. */
  readonly budgetBits: number | null;
}

/** A `bfv_wide` plan instance. */
export type WideSpec = PlanSpec<WideWireParams, WideExtra>;

const PRIVACY_NOTE =
  "Not circuit-private: the answer holds additive shares of the logits (each class's rows sum to its logit, every other slot is uniform), but its noise depends on the weights and is not flooded; the layout reveals the largest number of nonzero weights into one logit.";

/**
 * Galois keys a client may have to upload (bytes, seeded, before deflate): the budget.
 * Among layouts of the first ring that fits, the fastest within it is chosen, else the fastest.
 */
const KEY_BUDGET_BYTES = 4 * 1024 * 1024;

/** The parameters and facts for `net` under one ring and lane count, or null if it does not fit. */
function fit(net: Network, ring: (typeof RINGS)[number], lanes: 1 | 2) {
  const form = wideForm(net);
  if (!form) return null;
  const n = ring.polyModulusDegree;
  const layout = wideLayout(form.inputs, form.outputs * form.groups, n, lanes);
  if (!layout) return null;
  const t = smallestBatchingPrime(n, 2n * outputMagnitudeBound(net) + 1n);
  const logT = t.toString(2).length;
  const data = ring.coeffModulusBits.slice(0, -1);
  const dataBits = data.reduce((a: number, b: number) => a + b, 0);
  const budget = wideBudgetBits(dataBits, logT, n, form.square, ring.extraLoss);
  if (t >= 1n << 60n || budget < MARGIN_BITS) return null;
  const rows = wideRows(form, t);
  if (!rows) return null;
  let diagonals = 0, giants = 0;
  for (let g = 0; g < layout.giant; g++) {
    let any = false;
    for (let b = 0; b < layout.baby; b++) {
      if (diagonalSlots(layout, rows.weights, g, b)) [diagonals, any] = [diagonals + 1, true];
    }
    if (any) giants++;
  }
  const drop = widePrimesToDrop(data, logT, budget, form.square ? 3 : 2);
  const ops = wideOpCounts(layout, diagonals, giants, form.square, drop);
  const params = wideWireParams({
    scheme: "bfv",
    encoding: "packed",
    polyModulusDegree: n,
    coeffModulusBits: [...ring.coeffModulusBits],
    plainModulus: t.toString(),
    securityLevel: 128,
  }, { inputs: form.inputs, rows: layout.rows, groups: form.groups, lanes });
  const k = data.length;
  const keyBytes = wideGaloisSteps(layout).length * k * (k + 1) * n * 8;
  const ms = wideExpectedMs(ops, DEFAULT_OP_COSTS[n]);
  return { form, layout, params, budget, drop, ops, keyBytes, ms };
}

/**
 * The first ring that fits; of its layouts the fastest within the key budget, else the fastest
 * (`direct`: the fastest, whatever its keys).
 */
function choose(net: Network, direct: boolean) {
  for (const ring of RINGS) {
    const fits = ([2, 1] as const).map((lanes) => fit(net, ring, lanes))
      .filter((f) => f !== null).sort((a, b) => a.ms - b.ms);
    if (fits.length === 0) continue;
    if (direct) return fits[0];
    return fits.find((f) => f.keyBytes <= KEY_BUDGET_BYTES) ?? fits[0];
  }
  return null;
}

/** The self-describing name: the packed BFV preset with `_wide`. */
function wideName(p: BfvPackedParams): string {
  return packedPresetName(p).replace(/_packed$/, "_wide");
}

async function planWide(net: Network, options: PlanOptions = {}) {
  if (options.flooded) return null;
  const f = choose(net, options.rotationKeys === "direct");
  if (!f) return null;
  const hops = [{
    layer: net.layers[net.layers.length - 1].index,
    name: "wide head (all layers)",
    type: "wide",
    hops: wideHops(f.ops),
  }];
  const keys: KeyNeeds = { relin: false, galoisSteps: wideGaloisSteps(f.layout), publicKey: false };
  const spec: WideSpec = {
    kind: "bfv_wide",
    name: wideName(f.params),
    encoding: "bfv-wide",
    params: f.params,
    hash: await paramsHashHex(f.params),
    options: options.rotationKeys === "direct" ? { rotationKeys: "direct" } : {},
    variantOf: null,
    shape: headShape(net),
    keys,
    cost: {
      estimatedMs: f.ms,
      queriesPerEvaluation: 1,
      maxQueries: MAX_QUERIES,
      exact: true,
      needsKeys: needsKeys(keys),
    },
    hops,
    privacy: { circuitPrivate: false, note: PRIVACY_NOTE },
    extra: {
      layout: f.layout,
      groups: f.form.groups,
      square: f.form.square,
      responsePrimesDropped: f.drop,
      ops: f.ops,
      budgetBits: f.budget,
    },
  };
  return spec;
}

function describeWide(spec: WideSpec): PlanDescriptionJson {
  const p = spec.params;
  const e = spec.extra;
  return {
    ...describeSpec(spec, "bfv-wide", true, e.responsePrimesDropped),
    coeff_modulus_primes: coeffModulusPrimes("ckks", p.polyModulusDegree, p.coeffModulusBits),
    wide: { rows_per_class: e.groups, squared: e.square, ops: { ...e.ops } },
  };
}

function fromWideDescription(d: PlanDescriptionJson, shape: HeadShape): WideSpec {
  const params = validateWideParams(d.params);
  const w = d.wide;
  if (!w || !Number.isInteger(w.rows_per_class) || w.rows_per_class < 1) {
    throw new TypeError(
      `plan ${d.name}: expected wide.rows_per_class >= 1, received ${JSON.stringify(w)}`,
    );
  }
  const id = params.wide;
  if (
    id.groups !== w.rows_per_class || id.inputs !== shape.inputs ||
    id.rows !== shape.outputs * w.rows_per_class
  ) {
    throw new TypeError(
      `plan ${d.name}: expected params.wide ${
        JSON.stringify(id)
      } to match ${shape.inputs} inputs, ${shape.outputs} classes and ${w.rows_per_class} rows per class`,
    );
  }
  const layout = wideLayout(
    shape.inputs,
    shape.outputs * w.rows_per_class,
    params.polyModulusDegree,
    id.lanes,
  );
  if (!layout) {
    throw new TypeError(
      `plan ${d.name}: expected ${shape.inputs} inputs and ${
        shape.outputs * w.rows_per_class
      } rows that fit ${params.polyModulusDegree} slots, received a head that does not`,
    );
  }
  return specFromDescription(d, shape, {
    kind: "bfv_wide",
    encoding: "bfv-wide",
    params,
    options: {},
    exact: true,
    extra: {
      layout,
      groups: w.rows_per_class,
      square: w.squared,
      responsePrimesDropped: d.response_primes_dropped,
      ops: opsOf(w.ops),
      budgetBits: null,
    },
  });
}

/** Operation counts read back from a description (missing kinds count 0). */
function opsOf(o: Record<string, number>): WideOpCounts {
  const zero = wideOpCounts(wideLayout(1, 1, 8192)!, 0, 0, false, 0);
  const out = { ...zero };
  for (const k of Object.keys(zero) as (keyof WideOpCounts)[]) out[k] = Number(o[k] ?? 0);
  return out;
}

/** The `bfv_wide` plan's shared definition. */
export const BFV_WIDE: PlanDefinition<WideWireParams, WideExtra> = {
  kind: "bfv_wide",
  scheme: "bfv",
  encoding: "bfv-wide",
  exact: true,
  chargedPerQuery: true,
  plan: planWide,
  validateParams: validateWideParams,
  describe: describeWide,
  fromDescription: fromWideDescription,
  chargedQueries: chargedPerCiphertext,
};
