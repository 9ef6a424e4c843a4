import assert from "node:assert/strict";
import { issueToken, startServer } from "../../lib/server/local_server.ts";
import { HeadClient } from "../../lib/client/mod.ts";
import { loadUciDigits } from "../../lib/datasets/mod.ts";
import { loadExtractor, quantizeFeatures } from "../../lib/feature-extractor/mod.ts";
import { argmax, evaluatePlain } from "../../lib/he-head/engine/plain.ts";
import { compileModel } from "../../lib/model/network.ts";
import { readModel } from "../../lib/model/files.ts";

Deno.test("the committed DP head over loopback: 60 private test digits, encrypted == plaintext integer head", async () => {
  const modelPath = "models/head/uci_digits.json";
  const model = await readModel(modelPath);
  const net = compileModel(model);
  const { test } = await loadUciDigits();
  const extractor = await loadExtractor();
  const n = 60;
  const dir = await Deno.makeTempDir();
  const token = await issueToken(`${dir}/keys.kv`, "e2e");
  const server = await startServer({ FCN_MODEL: modelPath, FCN_KV: `${dir}/keys.kv` });
  try {
    const client = await HeadClient.connect(server.base, { token });
    client.checkExtractor(extractor.id);
    const x = quantizeFeatures(
      extractor.extract(test.x.subarray(0, 64 * n), n),
      client.description.input,
    );
    const want = evaluatePlain(net, x, n);
    {
      using simd = await client.session("simd");
      assert.deepEqual((await simd.classify(x, n)).logits, want, "simd batch of 60");
    }
    {
      using poly = await client.session("poly");
      const one = x.subarray(0, net.inputSize);
      assert.deepEqual((await poly.classify(one, 1)).logits, [want[0]], "one poly query");
    }
    {
      using packed = await client.session("packed");
      const r = await packed.classify(x.subarray(0, 16 * net.inputSize), 16);
      r.predictions.forEach((p, i) => assert.equal(p, argmax(want[i]), `packed query ${i}`));
    }
    const accuracy = want.filter((l, i) => argmax(l) === test.y[i]).length / n;
    assert.ok(accuracy > 0.9, `the head is accurate on private data (${accuracy})`);
  } finally {
    extractor.dispose();
    await server.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
