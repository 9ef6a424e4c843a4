import assert from "node:assert/strict";
import { initTf } from "../../../lib/tfjs/runtime.ts";
import {
  BOUND_EDGES,
  BudgetAccountant,
  buildModelCard,
  calibrateNoiseMultiplier,
  DP_BOUNDS_NOISE_MULTIPLIER,
  dpBoundsNoiseMultiplier,
  dpTabularBounds,
  GaussianMechanism,
  loadPrivateFeatures,
  pairEpsilon,
  seededRandom,
  trainPrivateHead,
} from "../../../lib/dp-training/mod.ts";
import { SYNTHETIC_INPUT, syntheticExamples, tinyHeadOptions } from "../synthetic.ts";

/** `n` rows of 3 columns: around 3, around 40 and around -0.02 (deterministic). */
function table(n: number): Float64Array {
  const x = new Float64Array(n * 3);
  for (let i = 0; i < n; i++) {
    x[i * 3] = 2 + (i % 5) * 0.4;
    x[i * 3 + 1] = 30 + (i % 13);
    x[i * 3 + 2] = -0.015 - (i % 3) * 0.002;
  }
  return x;
}
const COLUMNS = ["a", "b", "c"];

Deno.test("DP bounds: grid edges around each column's data; the cost is the Gaussian's", () => {
  const b = dpTabularBounds(table(1000), 1000, COLUMNS, {
    noiseMultiplier: 4,
    random: seededRandom(1),
  });
  for (const v of [...b.lower, ...b.upper]) assert.ok(BOUND_EDGES.includes(v), `${v}`);
  assert.deepEqual(b.lower, [1, 20, -0.02]); // 2 itself is in the bin (1, 2]
  assert.deepEqual(b.upper, [5, 50, -0.01]);
  assert.equal(b.std, 4 * Math.sqrt(3));
  // The release is a Gaussian mechanism of sensitivity sqrt(3) at std 4 sqrt(3).
  const same = new GaussianMechanism({ sensitivity: 1, noiseMultiplier: 4 }).cost("same");
  assert.equal(
    pairEpsilon(b.cost.pld!(2 ** -12), 1e-5).epsilon,
    pairEpsilon(same.pld!(2 ** -12), 1e-5).epsilon,
  );
  assert.match(b.cost.label, /^dp bounds: noisy histogram of 3 columns/);
  assert.throws(
    () => dpTabularBounds(Float64Array.of(1, NaN, 2), 1, COLUMNS, { noiseMultiplier: 4 }),
    /finite values, received NaN in row 0, column "b"/,
  );
  assert.throws(() => dpTabularBounds(table(2), 3, COLUMNS, { noiseMultiplier: 4 }), /3 rows/);
});

Deno.test("DP bounds: one private record never shows up in them (an outlier at 1e6)", () => {
  // A non-DP min-max would publish 1e6, the value of one record; the noisy histogram only
  // counts it once, far below the threshold, so with the same noise the bounds are unchanged.
  const x = table(500), withOutlier = Float64Array.from([...x, 1e6, 1e6, 1e6]);
  let changed = 0;
  for (let seed = 0; seed < 30; seed++) {
    const o = (s: number) => ({ noiseMultiplier: 4, random: seededRandom(`bounds ${s}`) });
    const a = dpTabularBounds(x, 500, COLUMNS, o(seed));
    const b = dpTabularBounds(withOutlier, 501, COLUMNS, o(seed));
    assert.ok(b.upper.every((u) => u < 1e3), `seed ${seed}: ${b.upper}`);
    if (JSON.stringify(a) !== JSON.stringify(b)) changed++;
  }
  assert.ok(changed <= 1, `${changed} of 30 noise draws changed with one record`);
});

Deno.test("DP bounds: the noise is real (secret by default, different draws differ)", () => {
  // Column "a" spreads evenly over bins (1, 2], (2, 5]: near the threshold at this noise.
  const n = 120, x = table(n);
  const seen = new Set<string>();
  for (let i = 0; i < 12; i++) {
    seen.add(JSON.stringify(dpTabularBounds(x, n, COLUMNS, { noiseMultiplier: 4 })));
  }
  assert.ok(seen.size > 1, "twelve secret draws gave the same bounds");
});

Deno.test("breast cancer: DP bounds charged to every training's ledger, card says dp", async () => {
  await initTf();
  const data = await loadPrivateFeatures("breast-cancer", "extractor", {
    noiseRandom: seededRandom("bc/bounds"),
  });
  assert.equal(data.bounds?.source, "dp");
  assert.equal(data.train.spent?.length, 1);
  assert.equal(data.notCovered, undefined, "no caveat on published bounds any more");
  for (let j = 0; j < 30; j++) assert.ok(data.bounds!.upper[j] > data.bounds!.lower[j]);
  const opts = tinyHeadOptions(2, {
    train: data.train,
    test: data.test,
    input: data.input,
    classes: data.classes,
    epochs: 2,
    batchSize: 64,
    privacy: { targetEpsilon: 3, delta: 1e-5 },
  });
  const r = trainPrivateHead(opts);
  assert.match(r.ledger[0].label, /^dp bounds/);
  const alone = new BudgetAccountant({ epsilon: 3, delta: 1e-5, accountant: "pld" })
    .wouldSpend(data.train.spent![0]);
  assert.ok(r.ledger[0].epsilon > 0.5 && Math.abs(r.ledger[0].epsilon - alone) < 0.01);
  assert.ok(r.epsilon! <= 3 && r.epsilon! > 2.99, "the total includes the bounds and meets 3");
  assert.equal(r.ledger.at(-1)!.totalEpsilon, r.epsilon);
  // Without the bounds' cost the same sigma would give a smaller epsilon: it was counted.
  const noBounds = trainPrivateHead({ ...opts, train: { ...data.train, spent: [] } });
  assert.ok(noBounds.noiseMultiplier < r.noiseMultiplier);
  const card = buildModelCard(r, {
    modelPath: "bc.json",
    data,
    hidden: [4],
    clipNorm: 1,
    batchSize: 64,
    epochs: 2,
    exponentLevels: 8,
    seed: "2",
    command: "test",
  });
  assert.equal(card.dataset.bounds?.source, "dp");
  assert.match(card.dataset.features, /DP bounds: .* charged to the privacy ledger/);
  assert.ok(!card.privacy!.not_covered.some((s) => /published summary table/.test(s)));
  assert.match(card.privacy!.accountant, /and the releases before them/);
  assert.equal(DP_BOUNDS_NOISE_MULTIPLIER, 4);
});

Deno.test("examples without spent releases train as before (synthetic data)", () => {
  const r = trainPrivateHead(tinyHeadOptions(3));
  assert.ok(!r.ledger.some((e) => /dp bounds/.test(e.label)));
  assert.equal(SYNTHETIC_INPUT.shape[0], syntheticExamples(1, 3, "x").x.length);
});

Deno.test("the bounds' noise grows as the target shrinks, so small targets stay reachable", () => {
  assert.equal(dpBoundsNoiseMultiplier(3), 4);
  assert.equal(dpBoundsNoiseMultiplier(8), 4);
  assert.equal(dpBoundsNoiseMultiplier(null), 4);
  assert.equal(dpBoundsNoiseMultiplier(1), 12);
  // Breast cancer's DP-SGD (q = 64/455, 429 steps) still meets epsilon 1 and 0.5 beside them.
  for (const eps of [0.5, 1]) {
    const prior = [
      new GaussianMechanism({ sensitivity: 1, noiseMultiplier: dpBoundsNoiseMultiplier(eps) })
        .cost("bounds"),
    ];
    for (const accountant of ["rdp", "pld"] as const) {
      const c = calibrateNoiseMultiplier({
        targetEpsilon: eps,
        delta: 1e-5,
        sampleRate: 64 / 455,
        steps: 429,
        accountant,
        prior,
      });
      assert.ok(
        c.epsilon <= eps && c.noiseMultiplier < 100,
        `${accountant} ${eps}: ${c.noiseMultiplier}`,
      );
    }
  }
});
