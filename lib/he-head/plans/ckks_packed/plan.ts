/**
 * The `ckks_packed` plan: one CKKS ciphertext per query, the head as a quadratic form evaluated
 * with plaintext diagonals and rotations (approximate, with a tested error bound). It fits heads
 * with one hidden layer of degree <= 2 whose packed inputs fit the slots. Not circuit-private.
 * The slot layout is shared: the client needs it to encrypt, the server to evaluate.
 *
 * @module
 */
import type { Network } from "../../../model/network.ts";
import { CKKS_OP_COSTS, expectedMs } from "../../engine/op_costs.ts";
import { totalHops } from "../../engine/hops.ts";
import { paramsHashHex } from "../../wire/params_hash.ts";
import {
  CKKS_N4096,
  type CkksParams,
  ckksPresetName,
  validateCkksParams,
} from "../../schemes/ckks/ckks_params.ts";
import { PACKED_SLOT_ERROR, packedDiagonalCounts, packedHops, packedMatrix } from "./diagonals.ts";
import { type PackedLayout, packedLayout } from "../../schemes/ckks/packed_layout.ts";
import { quadraticForm } from "../../schemes/ckks/quadratic_form.ts";
import { describeSpec, type PlanDescriptionJson, specFromDescription } from "../describe.ts";
import {
  chargedPerCiphertext,
  type HeadShape,
  headShape,
  type KeyNeeds,
  needsKeys,
  type PlanDefinition,
  type PlanSpec,
} from "../plan.ts";

/** Queries a packed request may carry (each is one ciphertext and one evaluation). */
const PACKED_MAX_QUERIES = 16;

/** The packed plan's own facts. */
export interface PackedExtra {
  /** Where the packed features sit in the slots (both sides). */
  readonly layout: PackedLayout;
  /** Logits are this factor times the decrypted slots. */
  readonly outputFactor: number;
  /** Bound on the absolute error of every decrypted logit. */
  readonly errorBound: number;
}

/** A packed plan instance. */
export type PackedSpec = PlanSpec<CkksParams, PackedExtra>;

const PRIVACY_NOTE =
  "Not circuit-private: each decrypted logit carries a CKKS approximation error that depends on the weights (n=4096 leaves no room to flood it); spare slots hold copies of the logits or zeros.";

/** The slot layout of a head shape, or null when it does not fit the slots. */
function layoutOf(shape: HeadShape, params: CkksParams): PackedLayout | null {
  try {
    return packedLayout(
      shape.inputs,
      shape.outputs,
      params.polyModulusDegree / 2,
      shape.inputMin,
      shape.inputMax,
    );
  } catch {
    return null;
  }
}

async function planPacked(net: Network): Promise<PackedSpec | null> {
  const params = CKKS_N4096;
  const form = quadraticForm(net);
  if (!form) return null;
  const shape = headShape(net);
  const layout = layoutOf({ ...shape, inputs: form.inputs, outputs: form.outputs }, params);
  if (!layout) return null;
  const M = packedMatrix(form, layout, params);
  const hops = packedHops(layout, packedDiagonalCounts(M, layout));
  const last = net.layers[net.layers.length - 1];
  const keys: KeyNeeds = { relin: false, galoisSteps: layout.galoisSteps, publicKey: false };
  return {
    kind: "ckks_packed",
    name: ckksPresetName(params) + "_packed",
    encoding: "packed",
    params,
    hash: await paramsHashHex(params),
    options: {},
    variantOf: null,
    shape,
    keys,
    cost: {
      estimatedMs: expectedMs(
        totalHops([{ layer: 0, name: "", type: "", hops }]),
        CKKS_OP_COSTS[params.polyModulusDegree],
      ),
      queriesPerEvaluation: 1,
      maxQueries: PACKED_MAX_QUERIES,
      exact: false,
      needsKeys: needsKeys(keys),
    },
    hops: [{ layer: last.index, name: "quadratic form (all layers)", type: "packed", hops }],
    privacy: { circuitPrivate: false, note: PRIVACY_NOTE },
    extra: {
      layout,
      outputFactor: M.outputFactor,
      errorBound: M.outputFactor * PACKED_SLOT_ERROR,
    },
  };
}

function describePacked(spec: PackedSpec): PlanDescriptionJson {
  return {
    ...describeSpec(spec, "packed", false, 0),
    output_factor: spec.extra.outputFactor,
    error_bound: spec.extra.errorBound,
  };
}

function fromPackedDescription(d: PlanDescriptionJson, shape: HeadShape): PackedSpec {
  const params = validateCkksParams(d.params);
  const layout = layoutOf(shape, params);
  if (!layout) {
    throw new TypeError(
      `plan ${d.name}: expected a head of ${shape.inputs} inputs that fits the ${
        params.polyModulusDegree / 2
      } slots, received one that does not`,
    );
  }
  const factor = d.output_factor ?? 1;
  return specFromDescription(d, shape, {
    kind: "ckks_packed",
    encoding: "packed",
    params,
    options: {},
    exact: false,
    extra: {
      layout,
      outputFactor: factor,
      errorBound: d.error_bound ?? factor * PACKED_SLOT_ERROR,
    },
  });
}

/** The `ckks_packed` plan's shared definition. */
export const CKKS_PACKED: PlanDefinition<CkksParams, PackedExtra> = {
  kind: "ckks_packed",
  scheme: "ckks",
  encoding: "packed",
  exact: false,
  chargedPerQuery: true,
  plan: planPacked,
  validateParams: validateCkksParams,
  describe: describePacked,
  fromDescription: fromPackedDescription,
  chargedQueries: chargedPerCiphertext,
};
