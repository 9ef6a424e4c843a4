import assert from "node:assert/strict";
import { describeModel } from "../../lib/server/describe.ts";
import { compileModel } from "../../lib/model/network.ts";
import { parseModel } from "../../lib/model/parse.ts";
import type { NoiseSource, QuantizedModel } from "../../lib/model/format.ts";
import type { ModelDescription } from "../../lib/protocol/api.ts";
import { SeededNoiseError } from "../../lib/model/privacy.ts";
import { testApp, testModel } from "../functions/helpers.ts";

function describe(m: QuantizedModel): ModelDescription["privacy"] {
  const model = parseModel(m);
  return describeModel(model, compileModel(model), "id", [], {} as ModelDescription["limits"])
    .privacy;
}

function withNoise(noise_source: NoiseSource): QuantizedModel {
  const m = testModel();
  m.metadata!.privacy = { ...m.metadata!.privacy!, noise_source };
  return m;
}

Deno.test("GET /v1/model states the privacy: private with crypto noise, not private otherwise", () => {
  const secret = describe(withNoise("crypto"));
  assert.equal(secret.private, true);
  assert.equal(secret.noise_source, "crypto");
  assert.equal(secret.epsilon, 3);
  assert.ok(secret.not_covered.some((n) => /hyperparameters/.test(n)));
  assert.equal(secret.note, undefined);
  const seeded = describe(withNoise("seeded"));
  assert.equal(seeded.private, false);
  assert.equal(seeded.noise_source, "seeded");
  assert.match(seeded.note!, /NOT private/);
  const none = testModel();
  delete none.metadata!.privacy;
  const noClaim = describe(none);
  assert.equal(noClaim.private, false);
  assert.equal(noClaim.epsilon, null);
  assert.match(noClaim.note!, /no differential-privacy claim/);
});

Deno.test("HeadService refuses a seeded-noise head unless allowSeededNoise, and then says it is not private", async () => {
  await assert.rejects(testApp({}, withNoise("seeded")), (e: unknown) => {
    assert.ok(e instanceof SeededNoiseError);
    assert.match(e.message, /metadata\.privacy\.noise_source/);
    return true;
  });
  const t = await testApp({ allowSeededNoise: true }, withNoise("seeded"));
  try {
    const d = await (await t.app.request("/v1/model")).json();
    assert.equal(d.privacy.private, false);
  } finally {
    t.close();
  }
});
