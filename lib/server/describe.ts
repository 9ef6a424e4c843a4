/** `GET /v1/model`: what a client needs to use the head, and nothing secret (no weights). @module */
import type { Network } from "../model/network.ts";
import type { QuantizedModel } from "../model/format.ts";
import { privacyStatement } from "../model/privacy.ts";
import type { ModelDescription, PlanDescription } from "../protocol/api.ts";

/** The model description. */
export function describeModel(
  model: QuantizedModel,
  net: Network,
  modelId: string,
  plans: PlanDescription[],
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
    extractor: meta.extractor ?? model.preprocessing?.extractor ?? null,
    preprocessing: model.preprocessing ?? null,
    privacy: privacyStatement(model),
    accuracy: meta.accuracy ?? {},
    plans,
    limits,
  };
}
