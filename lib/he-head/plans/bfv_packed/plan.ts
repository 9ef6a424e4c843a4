/**
 * The `bfv_packed` plan: the exact counterpart of `ckks_packed`. One BFV ciphertext per query
 * holds the degree-2 monomials `z = [x_i x_j (i <= j), x_i, 1]` (the client knows `x`) in the
 * interleaved slot layout of `schemes/bfv/slot_layout.ts`; the server multiplies by the head's
 * quadratic form (integer coefficients, constants in the last column) with one plaintext
 * multiplication per group and one rotation by a slot between groups (3 for the demo head), and
 * adds a fresh mask that turns each output's slots into additive shares of its logit (the client
 * sums them: no rotate-and-add, no row swap, one Galois key). The plaintext modulus is the smallest
 * batching prime above twice the interval bound of the logits, so every logit decrypts exactly;
 * the coefficient modulus (two 45-bit data primes, a 19-bit special prime) is checked against
 * the worst-case noise bound of `schemes/bfv/packed_noise.ts` at the top level and at the
 * answer's level (one prime dropped). Not circuit-private (see the note).
 *
 * @module
 */
import type { Network } from "../../../model/network.ts";
import { DEFAULT_OP_COSTS, expectedMs } from "../../engine/op_costs.ts";
import { outputMagnitudeBound } from "../../engine/output_bound.ts";
import { BfvPackedContext } from "../../schemes/bfv/packed_context.ts";
import { type PackedNoiseBound, packedNoiseBound } from "../../schemes/bfv/packed_noise.ts";
import {
  type BfvPackedParams,
  packedPresetName,
  smallestBatchingPrime,
  validatePackedParams,
} from "../../schemes/bfv/packed_params.ts";
import {
  interleavedLayout,
  type SlotLayout,
  slotMatVecHops,
} from "../../schemes/bfv/slot_layout.ts";
import { packedLength, quadraticForm } from "../../schemes/ckks/quadratic_form.ts";
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
  type PlanSpec,
} from "../plan.ts";

/** Queries a request may carry (one ciphertext and one evaluation each). */
const MAX_QUERIES = 16;

/** Ring degree and coefficient modulus (data primes, then the special prime). */
const RING = { polyModulusDegree: 4096, coeffModulusBits: [45, 45, 19] } as const;

/** The plan's own facts. */
export interface BfvPackedExtra {
  /** The slot layout (both sides). */
  readonly layout: SlotLayout;
  /** Data primes dropped from answers. */
  readonly responsePrimesDropped: number;
  /** The worst-case noise bound; null when read from a description. */
  readonly noise: PackedNoiseBound | null;
}

/** A `bfv_packed` plan instance. */
export type BfvPackedSpec = PlanSpec<BfvPackedParams, BfvPackedExtra>;

const PRIVACY_NOTE =
  "Not circuit-private: the answer's slots are additive shares of the logits (a fresh mask, uniform slots that sum to the logit over each class), so they reveal no partial sum of weights, but the answer's noise depends on the weights and is not flooded.";

/** The slot layout of a head shape: `d (d + 3) / 2 + 1` columns (the monomials and a 1). */
function layoutOf(shape: HeadShape, n: number): SlotLayout | null {
  try {
    return interleavedLayout(packedLength(shape.inputs) + 1, shape.outputs, n, {
      serverSums: false,
    });
  } catch {
    return null;
  }
}

function hopsOf(layout: SlotLayout, last: number) {
  const hops = slotMatVecHops(layout);
  hops.add_plain = 1; // the mask
  return [{ layer: last, name: "quadratic form (all layers)", type: "packed", hops }];
}

/** Its entry of GET /v1/model; the primes are `CoeffModulus.Create`'s (CKKS's order). */
function describe(spec: BfvPackedSpec): PlanDescriptionJson {
  const p = spec.params;
  return {
    ...describeSpec(spec, "bfv-packed", true, spec.extra.responsePrimesDropped),
    coeff_modulus_primes: coeffModulusPrimes("ckks", p.polyModulusDegree, p.coeffModulusBits),
  };
}

async function planPacked(net: Network): Promise<BfvPackedSpec | null> {
  const form = quadraticForm(net);
  if (!form) return null;
  const shape = headShape(net);
  const n = RING.polyModulusDegree;
  const layout = layoutOf(shape, n);
  if (!layout) return null;
  const t = smallestBatchingPrime(n, 2n * outputMagnitudeBound(net) + 1n);
  if (t >= 1n << 40n) return null;
  const params: BfvPackedParams = {
    scheme: "bfv",
    encoding: "packed",
    ...RING,
    coeffModulusBits: [...RING.coeffModulusBits],
    plainModulus: t.toString(),
    securityLevel: 128,
  };
  let noise: PackedNoiseBound;
  {
    using ctx = await BfvPackedContext.create(params);
    noise = packedNoiseBound(layout, n, ctx.dataModulus.primes, ctx.specialPrime, t);
  }
  if (noise.marginBits <= 0 || noise.responseMarginBits <= 0) return null;
  const hops = hopsOf(layout, net.layers[net.layers.length - 1].index);
  const keys: KeyNeeds = { relin: false, galoisSteps: [...layout.galoisSteps], publicKey: false };
  return {
    kind: "bfv_packed",
    name: packedPresetName(params),
    encoding: "bfv-packed",
    params,
    hash: await paramsHashHex(params),
    options: {},
    variantOf: null,
    shape,
    keys,
    cost: {
      estimatedMs: expectedMs(hops[0].hops, DEFAULT_OP_COSTS[n]),
      queriesPerEvaluation: 1,
      maxQueries: MAX_QUERIES,
      exact: true,
      needsKeys: needsKeys(keys),
    },
    hops,
    privacy: { circuitPrivate: false, note: PRIVACY_NOTE },
    extra: { layout, responsePrimesDropped: noise.responsePrimesDropped, noise },
  };
}

function fromDescription(d: PlanDescriptionJson, shape: HeadShape): BfvPackedSpec {
  const params = validatePackedParams(d.params);
  const layout = layoutOf(shape, params.polyModulusDegree);
  if (!layout) {
    throw new TypeError(
      `plan ${d.name}: expected a head of ${shape.inputs} inputs and ${shape.outputs} outputs that fits ${params.polyModulusDegree} slots, received one that does not`,
    );
  }
  return specFromDescription(d, shape, {
    kind: "bfv_packed",
    encoding: "bfv-packed",
    params,
    options: {},
    exact: true,
    extra: { layout, responsePrimesDropped: d.response_primes_dropped, noise: null },
  });
}

/** The `bfv_packed` plan's shared definition. */
export const BFV_PACKED: PlanDefinition<BfvPackedParams, BfvPackedExtra> = {
  kind: "bfv_packed",
  scheme: "bfv",
  encoding: "bfv-packed",
  exact: true,
  chargedPerQuery: true,
  plan: planPacked,
  validateParams: validatePackedParams,
  describe,
  fromDescription,
  chargedQueries: chargedPerCiphertext,
};
