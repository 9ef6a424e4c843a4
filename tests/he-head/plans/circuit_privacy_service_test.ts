import assert from "node:assert/strict";
import { HeadClient } from "../../../lib/client/mod.ts";
import { ClientKeys } from "../../../lib/he-head/seal/client/keys.ts";
import {
  decryptOutputs,
  decryptToResidues,
} from "../../../lib/he-head/schemes/bfv/client/decrypt.ts";
import { encryptInputsSerialized } from "../../../lib/he-head/schemes/bfv/client/encrypt.ts";
import { evaluatePlain } from "../../../lib/he-head/engine/plain.ts";
import { compileModel } from "../../../lib/model/network.ts";
import type { HeParams } from "../../../lib/he-head/schemes/bfv/bfv_params.ts";
import { HeContext } from "../../../lib/he-head/schemes/bfv/bfv_context.ts";
import { freeResult } from "../../../lib/he-head/schemes/bfv/server/evaluate_encrypted.ts";
import { packInputs, packKeys, unpackResults } from "../../../lib/he-head/wire/payloads.ts";
import {
  ENVELOPE_TYPE,
  KEY_ID_HEADER,
  type ModelDescription,
  PATHS,
} from "../../../lib/protocol/api.ts";
import { testApp } from "../../functions/helpers.ts";
import { randomInputs } from "../../fixtures/random_model.ts";

Deno.test("GET /v1/model: circuit privacy per plan, flooded variants with their own parameters", async () => {
  const t = await testApp();
  try {
    const d = (await (await t.fetch(`http://fcn.test${PATHS.model}`)).json()) as ModelDescription;
    const encodings = d.plans.map((p) => p.encoding);
    assert.deepEqual(encodings.slice(0, 4), ["poly", "simd", "packed", "bfv-packed"]);
    for (const p of d.plans) {
      assert.equal(p.circuit_private, false, p.name);
      assert.match(p.circuit_privacy, /^Not circuit-private/);
      assert.equal(p.needs_public_key, false);
    }
    // The flooded variants: of poly and simd (the packed plans have no room to flood at n=4096).
    for (const p of d.plans.filter((p) => p.encoding === "poly" || p.encoding === "simd")) {
      const f = p.flooded!;
      assert.ok(f, `${p.name} offers a flooded variant`);
      assert.match(f.name, new RegExp(`^bfv_n\\d+_t(\\d+x)?\\d+_${p.encoding}_flooded$`));
      assert.equal(f.encoding, p.encoding);
      assert.equal(f.circuit_private, true);
      assert.equal(f.needs_public_key, true);
      assert.match(f.circuit_privacy, /^Circuit-private/);
      assert.notEqual(f.params_hash, p.params_hash);
      assert.equal((f.params as HeParams).floodingBits, 40);
      assert.ok(f.flooding!.statistical_distance_log2 <= -41);
      assert.ok(f.flooding!.budget_bits_after >= 4);
      assert.ok(f.flooding!.flood_log2 >= 40 + f.flooding!.noise_bound_log2);
    }
    assert.equal((d.plans[0].params as HeParams).maskedOutputs, true, "poly answers are masked");
    assert.match(d.plans[2].circuit_privacy, /CKKS/);
  } finally {
    t.close();
  }
});

Deno.test("flooded plans through the client: exact logits; keys carry the public key", async () => {
  const t = await testApp();
  try {
    const client = await HeadClient.connect("http://fcn.test", { fetch: t.fetch });
    const net = compileModel(t.model);
    for (const encoding of ["poly", "simd"] as const) {
      using base = await client.session(encoding);
      using flooded = await client.session(`${encoding}_flooded`);
      assert.equal(flooded.plan.circuit_private, true);
      assert.ok(flooded.keyId && flooded.keyBytes > base.keyBytes);
      const count = encoding === "poly" ? 2 : 12;
      const x = randomInputs(21, count, net.inputSize, net.inputMin, net.inputMax);
      const r = await flooded.classify(x, count);
      assert.deepEqual(r.logits, evaluatePlain(net, x, count));
      assert.deepEqual((await base.classify(x, count)).logits, r.logits);
    }
    assert.throws(
      () => client.plan("packed_flooded"),
      /no plan "packed_flooded": the server offers/,
    );
  } finally {
    t.close();
  }
});

Deno.test("a flooded plan without the client's public key: 422 naming it", async () => {
  const t = await testApp();
  try {
    const client = await HeadClient.connect("http://fcn.test", { fetch: t.fetch });
    const plan = client.plan("poly_flooded");
    using ctx = await HeContext.create(plan.params as HeParams);
    using keys = ClientKeys.generate(ctx);
    const res = await t.fetch(`http://fcn.test${PATHS.keys}`, {
      method: "POST",
      headers: { "content-type": ENVELOPE_TYPE },
      body: await packKeys(plan.params, keys.evaluationKeys),
    });
    assert.equal(res.status, 422);
    const body = await res.json();
    assert.equal(body.error.code, "missing-keys");
    assert.match(
      body.error.message,
      /expected the client's public key \(envelope entry "public-key"\)/,
    );
    assert.match(body.error.message, new RegExp(plan.name));
  } finally {
    t.close();
  }
});

Deno.test("poly answers over HTTP are masked: dense, fresh coefficients that decode to the logits", async () => {
  const t = await testApp();
  try {
    const client = await HeadClient.connect("http://fcn.test", { fetch: t.fetch });
    using session = await client.session("poly");
    const keys = session.keys as ClientKeys<HeContext>;
    const net = compileModel(t.model);
    const x = randomInputs(5, 1, net.inputSize, net.inputMin, net.inputMax);
    const answers: BigUint64Array[][][] = [];
    for (let i = 0; i < 2; i++) {
      const res = await t.fetch(`http://fcn.test${PATHS.classify}`, {
        method: "POST",
        headers: { "content-type": ENVELOPE_TYPE, [KEY_ID_HEADER]: session.keyId! },
        body: await packInputs(
          session.plan.params,
          encryptInputsSerialized(keys, x, 1, net.inputSize),
          1,
        ),
      });
      assert.equal(res.status, 200);
      const out = await unpackResults(keys.ctx, new Uint8Array(await res.arrayBuffer()), {
        outputs: net.outputSize,
      });
      try {
        assert.deepEqual(decryptOutputs(keys, out, 1), evaluatePlain(net, x, 1));
        answers.push(
          keys.ctx.moduli.map((_, m) => decryptToResidues(keys, out, m) as BigUint64Array[]),
        );
      } finally {
        freeResult(out);
      }
    }
    const n = keys.ctx.degree;
    answers[0].forEach((rows, m) =>
      rows.forEach((c, o) => {
        let zeros = 0, same = 0;
        for (let d = 0; d < n; d++) {
          zeros += Number((c[d] ?? 0n) === 0n);
          same += Number(c[d] === answers[1][m][o][d]);
        }
        assert.ok(zeros < 8, `modulus ${m} output ${o}: ${zeros} zero coefficients of ${n}`);
        assert.ok(same < 8, `modulus ${m} output ${o}: ${same} coefficients repeat`);
      })
    );
  } finally {
    t.close();
  }
});
