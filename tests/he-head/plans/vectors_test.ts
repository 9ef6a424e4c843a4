import assert from "node:assert/strict";
import {
  compileModel,
  decodeEnvelope,
  packInputs,
  PLANS,
  type PlanSpec,
} from "../../../lib/he-head/mod.ts";
import { openPlanClient } from "../../../lib/he-head/client.ts";
import { preparePlanServer } from "../../../lib/he-head/server.ts";
import { VECTOR_KINDS, vectorFiles, type VectorMeta, vectorModel } from "../../vectors/vectors.ts";

for (const kind of VECTOR_KINDS) {
  Deno.test(`${kind}: the committed request envelope is what packing its SEAL blobs gives, and the server accepts it`, async () => {
    const files = vectorFiles(kind);
    const bytes = await Deno.readFile(files.bin);
    const meta = JSON.parse(await Deno.readTextFile(files.json)) as VectorMeta;
    const net = compileModel(vectorModel(kind));
    const spec = (await PLANS[kind].plan(net)) as PlanSpec;
    // The parameters (and so the envelope's identity) are still those the vector was made for.
    assert.deepEqual(spec.params, meta.params);
    assert.equal(spec.hash, meta.params_hash);
    // The SEAL blobs of the committed envelope, packed again: the same bytes.
    const hash = Uint8Array.from(meta.params_hash.match(/../g)!, (h) => parseInt(h, 16));
    const env = await decodeEnvelope(bytes, {
      kind: "ciphertexts",
      paramsHash: hash,
      maxBytes: 1 << 24,
      maxBodyBytes: 1 << 24,
      maxEntryBytes: 1 << 24,
    });
    const blobs = Array.from(
      { length: env.moduli },
      (_, m) => env.entries.filter((e) => e.modulus === m).map((e) => e.bytes),
    );
    const params = spec.params as unknown as Parameters<typeof packInputs>[0];
    const repacked = await packInputs(params, blobs, env.queries);
    assert.equal(repacked.length, bytes.length);
    assert.ok(repacked.every((b, i) => b === bytes[i]), "the envelope bytes changed");
    assert.equal(env.queries, meta.queries);
    // The server accepts it (keys, where needed, from a fresh client: SEAL checks their shape).
    using server = await preparePlanServer(spec, net);
    using client = await openPlanClient(spec);
    const keyBytes = await client.evaluationKeys();
    using keys = keyBytes ? await server.unpackKeys(keyBytes, { check: true }) : null;
    const out = await server.evaluate(bytes, keys, {
      signal: AbortSignal.timeout(60_000),
      maxBytes: 1 << 24,
    });
    assert.equal(out.queries, meta.queries);
  });
}
