import assert from "node:assert/strict";
import {
  decodeEnvelope,
  definition,
  type Envelope,
  evaluatePlain,
  packInputs,
  packKeys,
  type PlanSpec,
} from "../../lib/he-head/mod.ts";
import { openPlanClient } from "../../lib/he-head/client.ts";
import { sha256Hex } from "../../lib/server/key_store.ts";
import { ENVELOPE_TYPE, KEY_ID_HEADER, PATHS } from "../../lib/protocol/api.ts";
import { testApp } from "../functions/helpers.ts";
import { compareLogits, sameBytes } from "./make_vector.ts";
import {
  readSecretKeys,
  readVector,
  vectorFile,
  vectorHead,
  type VectorMeta,
  vectorSpecs,
} from "./vectors.ts";

const { model, net } = await vectorHead();
const specs = await vectorSpecs(net);
const read = (plan: string, name: string) => Deno.readFile(vectorFile(plan, name));
const LIMIT = 1 << 26;

async function decode(bytes: Uint8Array, kind: Envelope["kind"], hash: string) {
  return await decodeEnvelope(bytes, {
    kind,
    paramsHash: Uint8Array.from(hash.match(/../g)!, (h) => parseInt(h, 16)),
    maxBytes: LIMIT,
    maxBodyBytes: LIMIT,
    maxEntryBytes: LIMIT,
  });
}

/** The vector's metadata, checked against the plan as the current code builds it. */
async function vectorOf(spec: PlanSpec): Promise<VectorMeta> {
  const meta = await readVector(spec.name).catch(() => {
    throw new Error(
      `${spec.name}: no vector in tests/vectors/${spec.name}/ (run deno task vectors)`,
    );
  });
  assert.deepEqual(spec.params, meta.params, "the plan's parameters changed");
  assert.equal(spec.hash, meta.params_hash);
  const want = evaluatePlain(net, meta.features, meta.queries);
  assert.deepEqual(meta.logits, want.map((l) => l.map(String)), "the reference logits changed");
  for (const [name, f] of Object.entries(meta.files)) {
    const bytes = await read(spec.name, name);
    assert.equal(bytes.length, f.bytes, name);
    assert.equal(await sha256Hex(bytes), f.sha256, `${name}: its bytes changed`);
  }
  return meta;
}

/** Decrypts an answer with the vector's committed secret keys; asserts the expected logits. */
async function assertDecrypts(spec: PlanSpec, meta: VectorMeta, response: Uint8Array) {
  using client = await openPlanClient(spec, { secretKeys: await readSecretKeys(meta) });
  const got = await client.decrypt(response, meta.queries);
  assert.equal(got.exact, meta.exact);
  const want = meta.logits.map((l) => l.map(BigInt));
  const off = compareLogits(got, want, meta.output_scale_log2, meta.error_bound);
  assert.equal(off, null, `${spec.name}: ${off}`);
}

Deno.test("every served plan of the vectors' head has a vector, and every vector a served plan", async () => {
  const dirs: string[] = [];
  for await (const e of Deno.readDir(vectorFile("", ""))) if (e.isDirectory) dirs.push(e.name);
  assert.deepEqual(dirs.sort(), specs.map((s) => s.name).sort());
});

for (const spec of specs) {
  Deno.test(`${spec.name}: the current client decrypts the committed response with the committed secret key to the expected logits`, async () => {
    const meta = await vectorOf(spec);
    await assertDecrypts(spec, meta, await read(spec.name, "response.bin"));
  });

  Deno.test(`${spec.name}: the committed request and keys are what packing their SEAL blobs gives`, async () => {
    const meta = await vectorOf(spec);
    const request = await read(spec.name, "request.bin");
    const env = await decode(request, "ciphertexts", meta.params_hash);
    assert.equal(env.queries, meta.queries);
    const blobs = Array.from(
      { length: env.moduli },
      (_, m) => env.entries.filter((e) => e.modulus === m).map((e) => e.bytes),
    );
    const params = spec.params as unknown as Parameters<typeof packInputs>[0];
    assert.ok(sameBytes(await packInputs(params, blobs, env.queries), request), "request bytes");
    if (!meta.files["keys.bin"]) return assert.equal(spec.cost.needsKeys, false);
    const keys = await read(spec.name, "keys.bin");
    const k = await decode(keys, "keys", meta.params_hash);
    const of = (m: number, tag: string) =>
      k.entries.find((e) => e.modulus === m && e.tag === tag)?.bytes ?? null;
    const perModulus = Array.from({ length: k.moduli }, (_, m) => ({
      relin: of(m, "relin-keys"),
      galois: of(m, "galois-keys"),
      publicKey: of(m, "public-key"),
    }));
    assert.ok(sameBytes(await packKeys(params, perModulus), keys), "keys bytes");
  });
}

/** The server's answer to a vector's keys and request, posted over HTTP; asserted. */
async function assertServerAnswers(
  post: (path: string, body: Uint8Array, headers?: Record<string, string>) => Promise<Response>,
  spec: PlanSpec,
): Promise<void> {
  const meta = await vectorOf(spec);
  const headers: Record<string, string> = {};
  if (meta.files["keys.bin"]) {
    const r = await post(PATHS.keys, await read(spec.name, "keys.bin"));
    assert.equal(r.status, 201, await r.clone().text());
    headers[KEY_ID_HEADER] = (await r.json()).key_id;
  }
  const r = await post(PATHS.classify, await read(spec.name, "request.bin"), headers);
  assert.equal(r.status, 200, await r.clone().text());
  assert.equal(r.headers.get("x-plan"), spec.name);
  const answer = new Uint8Array(await r.arrayBuffer());
  await assertDecrypts(spec, meta, answer);
  const committed = await read(spec.name, "response.bin");
  // Deterministic halves answer exactly the committed bytes; the others (masks, spare slots,
  // shares, flooding) must differ, or their randomness is gone.
  assert.equal(
    sameBytes(answer, committed),
    meta.server_deterministic,
    `${spec.name}: server_deterministic is ${meta.server_deterministic} (${
      definition(spec.kind).describe(spec).circuit_privacy
    })`,
  );
}

Deno.test("the current server (one service, every plan) accepts each vector's committed keys and request over HTTP; its answers decrypt to the same logits", async (t) => {
  const app = await testApp({}, model);
  try {
    const post = (path: string, body: Uint8Array, headers: Record<string, string> = {}) =>
      app.fetch(`http://fcn.test${path}`, {
        method: "POST",
        headers: { "content-type": ENVELOPE_TYPE, ...headers },
        body: body as Uint8Array<ArrayBuffer>,
      });
    for (const spec of specs) await t.step(spec.name, () => assertServerAnswers(post, spec));
  } finally {
    app.close();
  }
});
