/**
 * The `ckks_network` plan: a whole network `linear -> [bias] -> activation (degree <= 2) -> ...
 * -> linear -> [bias]` on one CKKS ciphertext per query (n = 8192), every layer a packed
 * matrix-vector product and every activation one square for all units
 * ({@linkcode PackedNetwork}). Approximate (a relative error the tests bound), not
 * circuit-private, and not served by the function: it is the packed row of the MNIST
 * reproduction. Its HOPs are counted as it evaluates (`PlanOutput.hops`), not planned.
 *
 * @module
 */
import type { Network } from "../../../model/network.ts";
import { paramsHashHex } from "../../wire/params_hash.ts";
import {
  type CkksParams,
  ckksPresetName,
  validateCkksParams,
} from "../../schemes/ckks/ckks_params.ts";
import { describeSpec, type PlanDescriptionJson, specFromDescription } from "../describe.ts";
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
import {
  packedNetworkParams,
  type PackedNetworkPlan,
  packedNetworkPlan,
} from "./packed_network.ts";
import { pow2AtLeast } from "../../schemes/ckks/packed_matvec.ts";

/** Slots of the ring the network is packed into (n = 8192). */
const NETWORK_SLOTS = 4096;
/** Every slot value stays below `2^NETWORK_HEADROOM_BITS` at every step. */
const NETWORK_HEADROOM_BITS = 11;
/** Queries a request may carry (each is one ciphertext and one evaluation). */
const NETWORK_MAX_QUERIES = 16;
/** Evaluation keys (relinearisation and Galois, seeded) stay within this many bytes. */
const NETWORK_KEY_BUDGET_BYTES = 24_000_000;

/** The network plan's own facts (what the client needs to encode and decode). */
export interface NetworkExtra {
  /** The client encodes `x_int * inputUnit` (at most 1 in magnitude). */
  readonly inputUnit: number;
  /** The input vector repeats with this period across the slots. */
  readonly inputPeriod: number;
  /** Logits are this factor times the decrypted slots. */
  readonly outputFactor: number;
  /** Levels (rescales) one evaluation uses. */
  readonly levels: number;
  /** Slot values stay below `2^headroomBits` at every step. */
  readonly headroomBits: number;
}

/** A network plan instance. */
export type NetworkSpec = PlanSpec<CkksParams, NetworkExtra>;

const PRIVACY_NOTE =
  "Not circuit-private: each decrypted logit carries a CKKS approximation error that depends on the weights; spare slots hold partial sums.";

/**
 * The network's packed stages at the plan's slots and headroom, their rotations within the key
 * budget (or one key per rotation amount with `rotationKeys: "direct"`), or null when it has
 * another shape (the server half builds its products from these).
 */
export function networkStages(net: Network, options: PlanOptions = {}): PackedNetworkPlan | null {
  const budget = options.rotationKeys === "direct" ? undefined : NETWORK_KEY_BUDGET_BYTES;
  return packedNetworkPlan(net, NETWORK_SLOTS, NETWORK_HEADROOM_BITS, budget);
}

/**
 * @throws {RangeError} when the network's levels do not fit the ring.
 */
async function planNetwork(net: Network, options: PlanOptions = {}): Promise<NetworkSpec | null> {
  const compiled = networkStages(net, options);
  if (!compiled) return null;
  const params = packedNetworkParams(compiled.levels);
  const keys: KeyNeeds = { relin: true, galoisSteps: compiled.galoisSteps, publicKey: false };
  return {
    kind: "ckks_network",
    name: ckksPresetName(params) + "_network",
    encoding: "packed",
    params,
    hash: await paramsHashHex(params),
    options: options.rotationKeys ? { rotationKeys: options.rotationKeys } : {},
    variantOf: null,
    shape: headShape(net),
    keys,
    cost: {
      // No CKKS cost table at n = 8192: the plan is measured (PlanOutput.hops), not planned.
      estimatedMs: Number.NaN,
      queriesPerEvaluation: 1,
      maxQueries: NETWORK_MAX_QUERIES,
      exact: false,
      needsKeys: needsKeys(keys),
    },
    hops: [],
    privacy: { circuitPrivate: false, note: PRIVACY_NOTE },
    extra: {
      inputUnit: compiled.inputUnit,
      inputPeriod: compiled.stages[0].period,
      outputFactor: compiled.outputFactor,
      levels: compiled.levels,
      headroomBits: NETWORK_HEADROOM_BITS,
    },
  };
}

function describeNetwork(spec: NetworkSpec): PlanDescriptionJson {
  return {
    ...describeSpec(spec, "packed", false, 0),
    output_factor: spec.extra.outputFactor,
  };
}

/**
 * Back from a description: the input unit and period follow from the head's shape (as
 * `packedNetworkPlan` derives them), the levels from the parameters.
 */
function fromNetworkDescription(d: PlanDescriptionJson, shape: HeadShape): NetworkSpec {
  const params = validateCkksParams(d.params);
  return specFromDescription(d, shape, {
    kind: "ckks_network",
    encoding: "packed",
    params,
    options: {},
    exact: false,
    extra: {
      inputUnit: 1 / Math.max(Math.abs(shape.inputMin), Math.abs(shape.inputMax), 1),
      inputPeriod: pow2AtLeast(shape.inputs),
      outputFactor: d.output_factor ?? 1,
      levels: params.coeffModulusBits.length - 2,
      headroomBits: NETWORK_HEADROOM_BITS,
    },
  });
}

/** The `ckks_network` plan's shared definition. */
export const CKKS_NETWORK: PlanDefinition<CkksParams, NetworkExtra> = {
  kind: "ckks_network",
  scheme: "ckks",
  encoding: "packed",
  exact: false,
  chargedPerQuery: true,
  plan: planNetwork,
  validateParams: validateCkksParams,
  describe: describeNetwork,
  fromDescription: fromNetworkDescription,
  chargedQueries: chargedPerCiphertext,
};
