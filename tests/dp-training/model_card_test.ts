import assert from "node:assert/strict";
import { initTf } from "../../lib/tfjs/runtime.ts";
import { parseModel } from "../../lib/he-head/mod.ts";
import {
  buildModelCard,
  cardMetadata,
  modelCardMarkdown,
  type PrivateFeatures,
  trainPrivateHead,
} from "../../lib/dp-training/mod.ts";
import { SYNTHETIC_INPUT, syntheticExamples, tinyHeadOptions } from "./synthetic.ts";

await initTf();

Deno.test("the model card reports the composed privacy, every stage's accuracy and the HOPs", () => {
  const data: PrivateFeatures = {
    dataset: "uci-digits",
    features: "raw",
    train: syntheticExamples(60, 3, "train"),
    test: syntheticExamples(30, 3, "test"),
    input: SYNTHETIC_INPUT,
    classes: ["a", "b", "c"],
    preprocessing: "synthetic",
  };
  const r = trainPrivateHead(tinyHeadOptions(3, {
    name: "card",
    activation: { kind: "swish-aq", coefficients: [0.0625, 0.5, 0.125] },
    privacy: { targetEpsilon: 2, delta: 1e-5 },
  }));
  const card = buildModelCard(r, {
    modelPath: "x.json",
    data,
    hidden: [4],
    clipNorm: 1,
    batchSize: 15,
    epochs: 4,
    exponentLevels: 8,
    rng: "seeded",
    seed: "3",
    trainingSeconds: 0,
    command: "test",
  });
  assert.ok(card.epsilon! <= 2 && card.epsilon! > 1.9);
  assert.equal(card.delta, 1e-5);
  assert.ok(card.noise_multiplier > 0);
  assert.equal(card.steps, r.phases.reduce((s, p) => s + p.steps, 0));
  for (const k of ["float", "pruned", "quantized"] as const) {
    assert.ok(card.test_accuracy[k] >= 0 && card.test_accuracy[k] <= 1);
  }
  const last = card.privacy_ledger[card.privacy_ledger.length - 1];
  assert.equal(last.total_epsilon, card.epsilon, "the ledger's total is the card's epsilon");
  assert.equal(card.privacy_ledger.length, r.phases.filter((p) => p.steps > 0).length);
  assert.ok(card.hops.poly.ct_ct_mul === 4, "one square per hidden unit");
  assert.equal(card.hops.poly.plain_mul_dense, 0, "power-of-two weights need no dense plaintext");
  const model = parseModel({ ...r.model, metadata: cardMetadata(card) });
  assert.equal(model.metadata?.privacy?.epsilon, card.epsilon);
  assert.match(modelCardMarkdown(card), /\(epsilon = .*, delta = 0.00001\)/);
});
