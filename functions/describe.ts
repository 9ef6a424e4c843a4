/** `GET /v1/model`: what a client needs to use the head, and nothing secret (no weights). @module */
import type { Network } from "../lib/model/network.ts";
import type { QuantizedModel } from "../lib/model/format.ts";
import { privacyStatement } from "../lib/model/privacy.ts";
import type { ModelDescription, PlanDescription } from "../lib/protocol/api.ts";
import type { Plan } from "../lib/he-head/schemes/bfv/bfv_plan.ts";

/** The description of one plan, with its flooded variant when `all` holds one. */
export function describePlan(p: Plan, all: readonly Plan[] = []): PlanDescription {
  const flooded = all.find((v) => v.kind === "bfv" && v.floodedOf === p.name);
  return {
    name: p.name,
    encoding: p.encoding,
    exact: p.kind === "bfv",
    params: p.params,
    params_hash: p.hash,
    max_queries: p.maxQueries,
    needs_relin_keys: p.needsRelinKeys,
    galois_steps: p.galoisSteps,
    hops: p.hops,
    estimated_ms: p.estimatedMs,
    response_primes_dropped: p.kind === "bfv" ? p.responseDrop : 0,
    needs_public_key: p.needsPublicKey,
    circuit_private: p.circuitPrivate,
    circuit_privacy: p.circuitPrivacy,
    ...(p.kind === "bfv" && p.flooding
      ? {
        flooding: {
          statistical_distance_log2: p.flooding.statisticalDistanceLog2,
          noise_bound_log2: p.flooding.noiseBoundLog2,
          flood_log2: p.flooding.floodLog2,
          budget_bits_before: p.flooding.outputBudgetBits,
          budget_bits_after: p.flooding.budgetAfterBits,
        },
      }
      : {}),
    ...(flooded ? { flooded: describePlan(flooded) } : {}),
    ...(p.kind === "packed"
      ? { output_factor: p.head.outputFactor, error_bound: p.head.errorBound }
      : {}),
  };
}

/** The model description. */
export function describeModel(
  model: QuantizedModel,
  net: Network,
  modelId: string,
  plans: Plan[],
  limits: ModelDescription["limits"],
): Omit<ModelDescription, "auth"> {
  const meta = model.metadata ?? {};
  return {
    name: model.name,
    model_id: modelId,
    input: model.input,
    classes: model.classes ?? Array.from({ length: net.outputSize }, (_, i) => String(i)),
    output_scale_log2: net.outputScale,
    architecture: net.layers.map((l) => {
      const layer = model.layers[l.index];
      return {
        name: l.name,
        type: l.type,
        in_shape: l.inShape,
        out_shape: l.outShape,
        nonzeros: l.nonzeros,
        weights: l.weights,
        ...(layer.type === "activation" ? { activation: layer.kind } : {}),
      };
    }),
    extractor: meta.extractor ?? null,
    privacy: privacyStatement(model),
    accuracy: meta.accuracy ?? {},
    plans: plans.filter((p) => p.kind !== "bfv" || !p.floodedOf).map((p) => describePlan(p, plans)),
    limits,
  };
}
