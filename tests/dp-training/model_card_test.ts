import assert from "node:assert/strict";
import { initTf } from "../../lib/tfjs/runtime.ts";
import {
  bitLength,
  compileModel,
  DP_NOT_COVERED,
  evaluatePlain,
  parseModel,
  privacyStatement,
} from "../../lib/he-head/mod.ts";
import {
  buildModelCard,
  cardMetadata,
  modelCardMarkdown,
  type PrivateFeatures,
  type PrivateHeadOptions,
  trainPrivateHead,
} from "../../lib/dp-training/mod.ts";
import { SYNTHETIC_INPUT, syntheticExamples, tinyHeadOptions } from "./synthetic.ts";

await initTf();

const data: PrivateFeatures = {
  dataset: "uci-digits",
  features: "raw",
  train: syntheticExamples(60, 3, "train"),
  test: syntheticExamples(30, 3, "test"),
  input: SYNTHETIC_INPUT,
  classes: ["a", "b", "c"],
  preprocessing: "synthetic",
  notCovered: ["a caveat of this preprocessing"],
};

function card(overrides: Partial<PrivateHeadOptions> = {}) {
  const r = trainPrivateHead(tinyHeadOptions(3, {
    name: "card",
    activation: { kind: "swish-aq", coefficients: [0.0625, 0.5, 0.125] },
    privacy: { targetEpsilon: 2, delta: 1e-5 },
    ...overrides,
  }));
  const c = buildModelCard(r, {
    modelPath: "x.json",
    data,
    hidden: [4],
    clipNorm: 1,
    batchSize: 15,
    epochs: 4,
    exponentLevels: 8,
    seed: "3",
    command: "test",
  });
  return { r, card: c };
}

/** Every key of a JSON value, at any depth. */
function keysDeep(v: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(v)) v.forEach((x) => keysDeep(x, out));
  else if (v !== null && typeof v === "object") {
    for (const [k, x] of Object.entries(v)) {
      out.add(k);
      keysDeep(x, out);
    }
  }
  return out;
}

Deno.test("the model card reports the composed privacy, every stage's accuracy and the HOPs", () => {
  const { r, card: c } = card();
  const p = c.privacy!;
  assert.ok(p.epsilon <= 2 && p.epsilon > 1.9);
  assert.equal(p.delta, 1e-5);
  assert.ok(p.noise_multiplier > 0);
  assert.equal(c.steps, r.phases.reduce((s, ph) => s + ph.steps, 0));
  for (const k of ["float", "pruned", "quantized"] as const) {
    assert.ok(c.test_accuracy[k] >= 0 && c.test_accuracy[k] <= 1);
  }
  const last = p.ledger[p.ledger.length - 1];
  assert.equal(last.total_epsilon, p.epsilon, "the ledger's total is the card's epsilon");
  assert.equal(p.ledger.length, r.phases.filter((ph) => ph.steps > 0).length);
  assert.ok(c.hops.poly.ct_ct_mul === 4, "one square per hidden unit");
  assert.equal(c.hops.poly.plain_mul_dense, 0, "power-of-two weights need no dense plaintext");
  const model = parseModel({ ...r.model, metadata: cardMetadata(c) });
  assert.equal(model.metadata?.privacy?.epsilon, p.epsilon);
  assert.match(modelCardMarkdown(c), /\(epsilon = .*, delta = 0.00001\)/);
});

Deno.test("card and model say where the noise came from; seeded noise is marked not private", () => {
  const secret = card({ noiseRandom: undefined }).card;
  assert.equal(secret.privacy!.noise_source, "crypto");
  assert.equal(secret.private, true);
  assert.match(secret.rng, /crypto\.getRandomValues/);
  assert.match(modelCardMarkdown(secret), /Noise source: `crypto` \(secret\)/);
  const seeded = card().card;
  assert.equal(seeded.privacy!.noise_source, "seeded");
  assert.equal(seeded.private, false);
  assert.match(modelCardMarkdown(seeded), /NOT private: seeded noise/);
  assert.match(String(cardMetadata(seeded).description), /SEEDED, replayable noise: NOT private/);
  const none = card({ privacy: null }).card;
  assert.equal(none.privacy, null);
  assert.equal(none.private, false);
  assert.equal(cardMetadata(none).privacy, undefined, "no DP, no privacy block");
  for (const c of [secret, seeded]) {
    const { r } = card();
    const model = parseModel({ ...r.model, metadata: cardMetadata(c) });
    assert.equal(model.metadata!.privacy!.noise_source, c.privacy!.noise_source);
  }
});

Deno.test("card and model list what the guarantee does not cover", () => {
  const { r, card: c } = card({ noiseRandom: undefined });
  const list = c.privacy!.not_covered;
  assert.deepEqual(list, [...DP_NOT_COVERED, "a caveat of this preprocessing"]);
  for (const topic of [/hyperparameters/, /test split/, /test records/, /public MNIST/]) {
    assert.ok(list.some((n) => topic.test(n)), `not_covered should mention ${topic}`);
  }
  const model = parseModel({ ...r.model, metadata: cardMetadata(c) });
  assert.deepEqual(model.metadata!.privacy!.not_covered, list);
  assert.deepEqual(privacyStatement(model).not_covered, list);
  const md = modelCardMarkdown(c);
  assert.match(md, /## Not covered by the guarantee/);
  for (const n of list) assert.ok(md.includes(`- ${n}`), `the Markdown card lacks "${n}"`);
});

Deno.test("the card publishes no statistic of the private training data outside the accountant", () => {
  const { r, card: c } = card({ noiseRandom: undefined });
  const keys = keysDeep(c);
  for (
    const banned of [
      "clipped_fraction",
      "clippedFraction",
      "max_logit_bits",
      "mean_loss",
      "loss",
      "training_seconds",
    ]
  ) {
    assert.ok(!keys.has(banned), `the card publishes "${banned}"`);
  }
  assert.ok(!/clipped/i.test(modelCardMarkdown(c)), "the Markdown card mentions clipping rates");
  // The logit size is the data-independent worst case over the whole input range: it bounds the
  // logits of any input, including every test example.
  const net = compileModel(r.model);
  let seen = 0;
  for (const row of evaluatePlain(net, data.test.x, data.test.count)) {
    for (const v of row) seen = Math.max(seen, bitLength(v));
  }
  assert.ok(c.worst_case_logit_bits >= seen, `${c.worst_case_logit_bits} < ${seen}`);
  const extreme = new Int32Array(6).fill(SYNTHETIC_INPUT.max);
  const [top] = evaluatePlain(net, extreme, 1);
  assert.ok(top.every((v) => bitLength(v) <= c.worst_case_logit_bits));
  assert.equal(
    buildModelCard(r, {
      modelPath: "x.json",
      data: { ...data, test: syntheticExamples(5, 3, "other") },
      hidden: [4],
      clipNorm: 1,
      batchSize: 15,
      epochs: 4,
      exponentLevels: 8,
      seed: "3",
      command: "test",
    }).worst_case_logit_bits,
    c.worst_case_logit_bits,
    "the logit size must not depend on the data",
  );
});
