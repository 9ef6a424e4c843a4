/**
 * What the BFV plans (poly, simd) share on both sides: parameter selection for a head (interval,
 * coefficient and noise analysis via `params/select.ts`), the flooded variant's noise computed
 * with SEAL's own modulus, the response's modulus switch, the cost, and the plan's entry of
 * `GET /v1/model` and back. Each BFV plan folder instantiates {@linkcode bfvDefinition} with its
 * encoding's traits.
 *
 * @module
 */
import type { Network } from "../../model/network.ts";
import { type FloodingAnalysis, floodingAnalysis } from "../schemes/bfv/flooding.ts";
import {
  type Encoding,
  FLOODING_BITS,
  type HeParams,
  presetName,
  validateParams,
} from "../schemes/bfv/bfv_params.ts";
import { ParameterSelectionError, selectParameters } from "../schemes/bfv/select.ts";
import { paramsHashHex } from "../wire/params_hash.ts";
import { HeContext } from "../schemes/bfv/bfv_context.ts";
import { budgetAfterSwitch, responsePrimesToDrop } from "../schemes/bfv/modulus_switch.ts";
import type { EnvelopeHeader } from "../wire/envelope.ts";
import { describeSpec, type PlanDescriptionJson, specFromDescription } from "./describe.ts";
import {
  type HeadShape,
  headShape,
  type KeyNeeds,
  needsKeys,
  type PlanDefinition,
  type PlanOptions,
  type PlanSpec,
} from "./plan.ts";

/** The flooding noise of a flooded plan, as both sides know it. */
export type FloodingSummary = Pick<
  FloodingAnalysis,
  | "statisticalDistanceLog2"
  | "noiseBoundLog2"
  | "floodLog2"
  | "outputBudgetBits"
  | "budgetAfterBits"
>;

/** A BFV plan's own facts. */
export interface BfvExtra {
  /** Primes dropped from results before sending. */
  readonly responsePrimesDropped: number;
  /** Noise budget the response keeps (bits); null when read from a description. */
  readonly responseBudgetBits: number | null;
  /** Whether answers are masked (every served plan is). */
  readonly masked: boolean;
  /** Flooded plans: the flooding noise (computed with the context's real modulus), else null. */
  readonly flooding: FloodingSummary | null;
}

/** A BFV plan instance. */
export type BfvSpec = PlanSpec<HeParams, BfvExtra>;

/** What distinguishes one BFV plan from another. */
export interface BfvTraits {
  /** Registry key. */
  readonly kind: string;
  /** Plaintext layout. */
  readonly encoding: Encoding;
  /** Whether masked answers need the parameters to hold the logits' range (poly). */
  readonly maskedOutputs: boolean;
  /** Queries a request may carry under `params`. */
  maxQueries(params: HeParams): number;
  /** Whether a request is charged its declared queries (else 1 per request). */
  readonly chargedPerQuery: boolean;
  /** What masking hides, in a few words. */
  readonly maskNote: string;
}

/** The circuit-privacy note of an unmasked plan. */
const UNMASKED_NOTE = "Not circuit-private: answers are neither masked nor flooded.";

/** What a BFV plan's answers hide, in one line. */
function privacyNote(traits: BfvTraits, masked: boolean, flooded: boolean): string {
  if (!masked) return UNMASKED_NOTE;
  return flooded
    ? `Circuit-private for well-formed queries: ${traits.maskNote}; the noise is re-randomised with the client's public key and flooded (statistical distance <= 2^-41).`
    : `Not circuit-private: ${traits.maskNote}, but the noise is not flooded and may reveal information about the weights (use the flooded variant).`;
}

/** Flooding with SEAL's own bit count of q (the selection assumed the sum of the prime sizes). */
async function sealFlooding(params: HeParams, f: FloodingAnalysis): Promise<FloodingAnalysis> {
  using ctx = await HeContext.create(params);
  const flooding = floodingAnalysis({
    ringDegree: f.ringDegree,
    dataModulusBits: ctx.dataModulus.bits,
    plainModulusBits: f.plainModulusBits,
    outputBudgetBits: f.outputBudgetBits,
    statisticalBits: f.statisticalBits,
  });
  if (flooding.budgetAfterBits < 1) {
    throw new RangeError(
      `${ctx.name}: flooding leaves ${flooding.budgetAfterBits} bits of budget, expected >= 1`,
    );
  }
  return flooding;
}

function summary(f: FloodingAnalysis): FloodingSummary {
  const { statisticalDistanceLog2, noiseBoundLog2, floodLog2, outputBudgetBits, budgetAfterBits } =
    f;
  return { statisticalDistanceLog2, noiseBoundLog2, floodLog2, outputBudgetBits, budgetAfterBits };
}

/**
 * Chooses parameters for a BFV plan.
 *
 * @throws {ParameterSelectionError} when no parameters fit (the plain variant).
 */
async function planBfv(traits: BfvTraits, net: Network, options: PlanOptions): Promise<BfvSpec> {
  const masked = options.masked ?? true;
  const flooded = options.flooded ?? false;
  if (flooded && !masked) throw new RangeError("a flooded plan is always masked");
  const select = (flooding: boolean) =>
    selectParameters(net, {
      encoding: traits.encoding,
      maskedOutputs: masked && traits.maskedOutputs,
      ...(flooding ? { flooding: { statisticalBits: FLOODING_BITS } } : {}),
    });
  const choice = select(flooded);
  let flooding: FloodingAnalysis | null = null;
  let budget = choice.noiseBudgetBits;
  if (flooded) {
    flooding = await sealFlooding(choice.params, choice.flooding!);
    budget = flooding.budgetAfterBits;
  }
  const drop = responsePrimesToDrop(choice.params, budget);
  const maxQueries = traits.maxQueries(choice.params);
  const keys: KeyNeeds = {
    relin: choice.hops.some((l) => l.hops.ct_ct_mul > 0),
    galoisSteps: [],
    publicKey: flooding !== null,
  };
  return {
    kind: traits.kind,
    name: presetName(choice.params),
    encoding: traits.encoding,
    params: choice.params,
    hash: await paramsHashHex(choice.params),
    options: { masked, flooded },
    variantOf: flooded ? presetName(select(false).params) : null,
    shape: headShape(net),
    keys,
    cost: {
      estimatedMs: choice.estimatedMs,
      queriesPerEvaluation: maxQueries,
      maxQueries,
      exact: true,
      needsKeys: needsKeys(keys),
    },
    hops: choice.hops,
    privacy: { circuitPrivate: flooding !== null, note: privacyNote(traits, masked, flooded) },
    extra: {
      responsePrimesDropped: drop,
      responseBudgetBits: budgetAfterSwitch(choice.params, budget, drop),
      masked,
      flooding: flooding && summary(flooding),
    },
  };
}

function describeBfv(spec: BfvSpec): PlanDescriptionJson {
  const f = spec.extra.flooding;
  return {
    ...describeSpec(spec, spec.encoding, true, spec.extra.responsePrimesDropped),
    ...(f
      ? {
        flooding: {
          statistical_distance_log2: f.statisticalDistanceLog2,
          noise_bound_log2: f.noiseBoundLog2,
          flood_log2: f.floodLog2,
          budget_bits_before: f.outputBudgetBits,
          budget_bits_after: f.budgetAfterBits,
        },
      }
      : {}),
  };
}

function fromBfvDescription(traits: BfvTraits, d: PlanDescriptionJson, shape: HeadShape): BfvSpec {
  const params = validateParams(d.params);
  const masked = d.circuit_privacy !== UNMASKED_NOTE;
  const f = d.flooding;
  return specFromDescription(d, shape, {
    kind: traits.kind,
    encoding: traits.encoding,
    params,
    options: { masked, flooded: f !== undefined },
    exact: true,
    queriesPerEvaluation: traits.chargedPerQuery ? d.max_queries : 1,
    extra: {
      responsePrimesDropped: d.response_primes_dropped,
      responseBudgetBits: null,
      masked,
      flooding: f
        ? {
          statisticalDistanceLog2: f.statistical_distance_log2,
          noiseBoundLog2: f.noise_bound_log2,
          floodLog2: f.flood_log2,
          outputBudgetBits: f.budget_bits_before,
          budgetAfterBits: f.budget_bits_after,
        }
        : null,
    },
  });
}

/** A BFV plan's shared definition, from its encoding's traits. */
export function bfvDefinition(traits: BfvTraits): PlanDefinition<HeParams, BfvExtra> {
  return {
    kind: traits.kind,
    scheme: "bfv",
    encoding: traits.encoding,
    exact: true,
    chargedPerQuery: traits.chargedPerQuery,
    async plan(net: Network, options: PlanOptions = {}): Promise<BfvSpec | null> {
      try {
        return await planBfv(traits, net, options);
      } catch (e) {
        // A flooded variant is offered only when some parameters leave room for flooding.
        if (options.flooded && e instanceof ParameterSelectionError) return null;
        throw e;
      }
    },
    validateParams,
    describe: describeBfv,
    fromDescription: (d, shape) => fromBfvDescription(traits, d, shape),
    chargedQueries(spec: BfvSpec, header: EnvelopeHeader): number {
      if (!traits.chargedPerQuery || header.queries === null) return 1;
      return Math.min(Math.max(header.queries, 1), spec.cost.maxQueries);
    },
  };
}
