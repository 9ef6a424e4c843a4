import assert from "node:assert/strict";
import {
  ALLOW_SEEDED_NOISE_ENV,
  allowSeededNoiseFromEnv,
  checkNoiseSource,
  DP_NOT_COVERED,
  type NoiseSource,
  parseModel,
  privacyStatement,
  type QuantizedModel,
  readModel,
  SeededNoiseError,
} from "../../lib/model/mod.ts";
import { randomHead } from "../fixtures/random_model.ts";

function model(noise_source?: NoiseSource, notCovered?: string[]): QuantizedModel {
  const m = randomHead(1);
  if (noise_source) {
    m.metadata = {
      privacy: {
        epsilon: 3,
        delta: 1e-5,
        accountant: "rdp",
        noise_source,
        ...(notCovered ? { not_covered: notCovered } : {}),
      },
    };
  }
  return parseModel(m);
}

Deno.test("a seeded model is refused unless FCN_ALLOW_SEEDED_NOISE=1, naming field and variable", () => {
  assert.throws(
    () => checkNoiseSource(model("seeded"), { allowSeededNoise: false }),
    (e: unknown) =>
      e instanceof SeededNoiseError && e.field === "metadata.privacy.noise_source" &&
      e.message.includes("metadata.privacy.noise_source") &&
      e.message.includes("FCN_ALLOW_SEEDED_NOISE=1") &&
      /expected "crypto" .*, received "seeded"/.test(e.message),
  );
  assert.doesNotThrow(() => checkNoiseSource(model("seeded"), { allowSeededNoise: true }));
  assert.doesNotThrow(() => checkNoiseSource(model("crypto"), { allowSeededNoise: false }));
  assert.doesNotThrow(() => checkNoiseSource(model(), { allowSeededNoise: false }), "no claim");
  // A document nobody parsed, whose claim lacks a noise source, is refused too.
  const unparsed = { ...randomHead(1), metadata: { privacy: { epsilon: 3, delta: 1e-5 } } };
  assert.throws(
    () => checkNoiseSource(unparsed as unknown as QuantizedModel, { allowSeededNoise: false }),
    SeededNoiseError,
  );
});

Deno.test("FCN_ALLOW_SEEDED_NOISE: unset or empty is no, 1 is yes, anything else is refused", () => {
  assert.equal(ALLOW_SEEDED_NOISE_ENV, "FCN_ALLOW_SEEDED_NOISE");
  assert.equal(allowSeededNoiseFromEnv(undefined), false);
  assert.equal(allowSeededNoiseFromEnv(""), false);
  assert.equal(allowSeededNoiseFromEnv("1"), true);
  for (const v of ["0", "true", "yes", " 1"]) {
    assert.throws(
      () => allowSeededNoiseFromEnv(v),
      (e: unknown) =>
        e instanceof SeededNoiseError && e.field === "FCN_ALLOW_SEEDED_NOISE" &&
        e.message ===
          `FCN_ALLOW_SEEDED_NOISE: expected 1 (or unset), received ${JSON.stringify(v)}`,
    );
  }
});

Deno.test("the privacy statement: private only with crypto noise, with what is not covered", () => {
  const secret = privacyStatement(model("crypto", ["only this"]));
  assert.deepEqual(secret, {
    epsilon: 3,
    delta: 1e-5,
    accountant: "rdp",
    noise_source: "crypto",
    private: true,
    not_covered: ["only this"],
  });
  const seeded = privacyStatement(model("seeded"));
  assert.equal(seeded.private, false);
  assert.equal(seeded.noise_source, "seeded");
  assert.equal(seeded.epsilon, 3);
  assert.match(seeded.note!, /NOT private: .*metadata\.privacy\.noise_source = "seeded"/);
  assert.deepEqual(seeded.not_covered, [...DP_NOT_COVERED], "the default list when none is given");
  const none = privacyStatement(model());
  assert.equal(none.private, false);
  assert.equal(none.epsilon, null);
  assert.equal(none.noise_source, null);
  assert.match(none.note!, /no differential-privacy claim/);
  assert.ok(none.not_covered.length > 0);
});

Deno.test("the default not-covered list names what the brief requires", () => {
  for (
    const topic of [
      /hyperparameters.*private training split/,
      /accuracy figures.*private test split/,
      /test records/,
      /public feature extractor.*public MNIST/,
      /sizes of the training and test splits/,
      /other trainings on the same private data/,
    ]
  ) {
    assert.ok(DP_NOT_COVERED.some((n) => topic.test(n)), `DP_NOT_COVERED lacks ${topic}`);
  }
});

Deno.test("the shipped heads carry crypto noise and their list of what is not covered", async () => {
  for (const name of ["uci_digits", "breast_cancer"]) {
    const m = await readModel(new URL(`../../models/head/${name}.json`, import.meta.url));
    assert.equal(m.metadata?.privacy?.noise_source, "crypto", `${name}: noise_source`);
    assert.doesNotThrow(() => checkNoiseSource(m, { allowSeededNoise: false }));
    const s = privacyStatement(m);
    assert.equal(s.private, true);
    assert.ok(s.not_covered.length >= DP_NOT_COVERED.length, `${name}: not_covered`);
    const card = JSON.parse(
      await Deno.readTextFile(new URL(`../../models/head/${name}.card.json`, import.meta.url)),
    );
    assert.equal(card.privacy.noise_source, "crypto");
    assert.deepEqual(card.privacy.not_covered, s.not_covered);
    assert.ok(!/--seeded-noise/.test(card.command), `${name}: trained with seeded noise`);
  }
});

Deno.test("the statement names the accountant and keeps the other figure when the model does", async () => {
  const m = await readModel(new URL("../../models/head/breast_cancer.json", import.meta.url));
  const s = privacyStatement(m);
  assert.equal(s.accountant_id, "pld");
  assert.equal(s.epsilon_pld, s.epsilon);
  assert.ok(s.epsilon_rdp! > s.epsilon!, `RDP ${s.epsilon_rdp} beside PLD ${s.epsilon}`);
  assert.match(s.accountant!, /^PLD: .*RDP gives/);
});
