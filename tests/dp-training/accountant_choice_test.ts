import assert from "node:assert/strict";
import { initTf } from "../../lib/tfjs/runtime.ts";
import { ModelFormatError, parseModel } from "../../lib/model/mod.ts";
import {
  buildModelCard,
  cardMetadata,
  dpSgdEpsilon,
  GaussianMechanism,
  type PrivateFeatures,
  type PrivateHeadOptions,
  trainPrivateHead,
} from "../../lib/dp-training/mod.ts";
import { parseTrainArgs } from "../../scripts/cli/train_options.ts";
import { SYNTHETIC_INPUT, syntheticExamples, tinyHeadOptions } from "./synthetic.ts";

await initTf();

const data: PrivateFeatures = {
  dataset: "synthetic",
  features: "raw",
  train: syntheticExamples(60, 3, "train"),
  test: syntheticExamples(30, 3, "test"),
  input: SYNTHETIC_INPUT,
  classes: ["a", "b", "c"],
  preprocessing: "synthetic",
};

function run(privacy: PrivateHeadOptions["privacy"]) {
  const r = trainPrivateHead(tinyHeadOptions(5, { privacy, epochs: 20 }));
  const card = buildModelCard(r, {
    modelPath: "x.json",
    data,
    hidden: [4],
    clipNorm: 1,
    batchSize: 15,
    epochs: 20,
    exponentLevels: 8,
    seed: "5",
    command: "test",
  });
  return { r, card, model: { ...r.model, metadata: cardMetadata(card) } };
}

const pld = run({ targetEpsilon: 2, delta: 1e-5 }); // PLD is the default
const rdp = run({ targetEpsilon: 2, delta: 1e-5, accountant: "rdp" });

Deno.test("train: PLD (the default) allows less noise than RDP at the same target", () => {
  assert.equal(pld.r.accountant, "pld");
  assert.equal(rdp.r.accountant, "rdp");
  assert.ok(pld.r.noiseMultiplier < rdp.r.noiseMultiplier);
  for (const { r } of [pld, rdp]) {
    assert.ok(r.epsilon! <= 2 && r.epsilon! > 1.99, `${r.accountant}: ${r.epsilon}`);
    assert.equal(r.ledger.at(-1)!.totalEpsilon, r.epsilon, "the ledger's total is the epsilon");
  }
  // The PLD-calibrated sigma misses the target under RDP: the other figure is beside it.
  assert.ok(pld.r.epsilonRdp! > 2 && pld.r.epsilonPld === pld.r.epsilon);
  assert.ok(rdp.r.epsilonPld! < rdp.r.epsilon! && rdp.r.epsilonRdp === rdp.r.epsilon);
  // The RDP total equals the direct RDP figure of all steps at the calibrated sigma.
  const direct = dpSgdEpsilon({
    noiseMultiplier: pld.r.noiseMultiplier,
    sampleRate: pld.r.sampleRate,
    steps: pld.r.steps,
    delta: 1e-5,
  });
  assert.ok(Math.abs(direct.epsilon - pld.r.epsilonRdp!) < 1e-9);
});

Deno.test("card and model file name the accountant and keep the other figure beside it", () => {
  const p = pld.card.privacy!, q = rdp.card.privacy!;
  assert.equal(p.accountant_id, "pld");
  assert.match(p.accountant, /^PLD: .*RDP gives \d\.\d{4}/);
  assert.equal(p.epsilon_pld, p.epsilon);
  assert.ok(p.epsilon_rdp > p.epsilon && p.pld_interval > 0);
  assert.equal(q.accountant_id, "rdp");
  assert.match(q.accountant, /^RDP .*PLD gives \d\.\d{4}/);
  assert.equal(q.epsilon_rdp, q.epsilon);
  for (const m of [pld.model, rdp.model]) {
    assert.deepEqual(parseModel(m).metadata?.privacy, m.metadata.privacy);
  }
});

Deno.test("parseModel refuses an unknown accountant, a missing other figure or a mismatch", () => {
  const bad = (change: Record<string, unknown>, field: RegExp) => {
    const privacy = { ...pld.model.metadata.privacy, ...change };
    assert.throws(
      () => parseModel({ ...pld.model, metadata: { ...pld.model.metadata, privacy } }),
      (e: unknown) => e instanceof ModelFormatError && field.test(e.message),
    );
  };
  bad({ accountant_id: "moments" }, /accountant_id: expected "pld" or "rdp", received "moments"/);
  bad({ epsilon_rdp: undefined }, /epsilon_rdp: expected a finite number > 0/);
  bad({ epsilon_pld: 1.5 }, /epsilon_pld: expected the epsilon of the named accountant/);
});

Deno.test("a prior release is spent first, in the calibration, the ledger and the total", () => {
  const prior = [new GaussianMechanism({ sensitivity: 1, noiseMultiplier: 3 }).cost("dp bounds")];
  for (const accountant of ["pld", "rdp"] as const) {
    const without = accountant === "pld" ? pld : rdp;
    const r = run({ targetEpsilon: 2, delta: 1e-5, accountant, prior }).r;
    assert.equal(r.ledger[0].label, "dp bounds");
    assert.ok(r.ledger[0].epsilon > 0.5, `${accountant}: ${r.ledger[0].epsilon}`);
    assert.ok(r.epsilon! <= 2 && r.epsilon! > 1.99, `${accountant}: ${r.epsilon}`);
    assert.ok(r.noiseMultiplier > without.r.noiseMultiplier * 1.1, accountant);
    assert.equal(r.ledger.length, without.r.ledger.length + 1);
  }
});

Deno.test("deno task train --accountant: pld by default, rdp on request, else a usage error", () => {
  assert.equal(parseTrainArgs([]).accountant, "pld");
  assert.equal(parseTrainArgs(["--accountant", "rdp"]).accountant, "rdp");
  assert.throws(
    () => parseTrainArgs(["--accountant", "moments"]),
    /--accountant: expected pld or rdp, received "moments"/,
  );
});
