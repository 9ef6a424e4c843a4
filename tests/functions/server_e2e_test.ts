import assert from "node:assert/strict";
import { HeadClient } from "../../lib/client/mod.ts";
import { evaluatePlain } from "../../lib/he-head/engine/plain.ts";
import { compileModel } from "../../lib/model/network.ts";
import { randomInputs } from "../fixtures/random_model.ts";
import { runBadInputSuite } from "./bad_input_suite.ts";
import { testModel, UNLIMITED, withToken } from "./helpers.ts";
import { issueToken, startServer } from "../../lib/server/local_server.ts";

Deno.test("end to end over loopback: deno serve, the real client, bad inputs, exact results", async () => {
  const dir = await Deno.makeTempDir();
  const model = testModel(7);
  await Deno.writeTextFile(`${dir}/model.json`, JSON.stringify(model));
  const token = await issueToken(`${dir}/keys.kv`, "e2e", UNLIMITED);
  const server = await startServer({ FCN_MODEL: `${dir}/model.json`, FCN_KV: `${dir}/keys.kv` });
  try {
    const client = await HeadClient.connect(server.base, { token });
    const net = compileModel(model);
    {
      using session = await client.session("simd");
      const x = randomInputs(11, 60, net.inputSize, net.inputMin, net.inputMax);
      const r = await session.classify(x, 60);
      assert.deepEqual(r.logits, evaluatePlain(net, x, 60));
      assert.equal(r.requests.length, 1, "one SIMD batch");
    }
    {
      using session = await client.session("poly");
      const x = randomInputs(12, 3, net.inputSize, net.inputMin, net.inputMax);
      assert.deepEqual((await session.classify(x, 3)).logits, evaluatePlain(net, x, 3));
    }
    const limits = client.description.limits;
    // The classify route accepts inputs plus inline keys.
    await runBadInputSuite(
      withToken(fetch, token),
      server.base,
      model,
      limits.max_body_bytes + limits.max_key_bytes,
    );
  } finally {
    await server.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
