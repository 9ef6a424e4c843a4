/**
 * The conformance suite every plan's test runs (`planConformance(kind, fixture)`): the round
 * trip client -> envelope -> server -> envelope -> client equals the integer head bit for bit
 * (exact plans) or within the plan's error bound; `describe` -> `fromDescription` gives back the
 * spec; bad input (truncated, foreign parameters, wrong counts, too many queries, missing keys)
 * is refused with the right error; SEAL's heap stays flat over repeated rounds.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  compileModel,
  decodeEnvelope,
  encodeEnvelope,
  EnvelopeError,
  evaluatePlain,
  loadSeal,
  MissingKeysError,
  type Network,
  packKeys,
  type PlanKind,
  type PlanOptions,
  PLANS,
  type PlanSpec,
  type QuantizedModel,
} from "../../../lib/he-head/mod.ts";
import { openPlanClient, type PlanClient } from "../../../lib/he-head/client.ts";
import {
  type EvaluationKeys,
  type PlanServer,
  preparePlanServer,
} from "../../../lib/he-head/server.ts";
import { randomInputs } from "../../fixtures/random_model.ts";

/** A head and the options a plan is tested with. */
export interface ConformanceFixture {
  /** The quantized head. */
  model: QuantizedModel;
  /** Plan options (e.g. the flooded variant). */
  options?: PlanOptions;
  /** Queries of the round trip (default: the plan's most, up to 4). */
  queries?: number;
  /** Rounds of the heap check (default 10). */
  rounds?: number;
}

const BIG = 1 << 30;

function signal(): { signal: AbortSignal; maxBytes: number } {
  return { signal: AbortSignal.timeout(600_000), maxBytes: BIG };
}

/** The envelope `bytes` re-encoded with its header or entries changed (a valid checksum). */
async function rewrite(
  spec: PlanSpec,
  bytes: Uint8Array,
  change: (e: Awaited<ReturnType<typeof decodeEnvelope>>) => void,
): Promise<Uint8Array> {
  const hash = Uint8Array.from(spec.hash.match(/../g)!, (h) => parseInt(h, 16));
  const env = await decodeEnvelope(bytes, {
    kind: "ciphertexts",
    paramsHash: hash,
    maxBytes: BIG,
    maxBodyBytes: BIG,
    maxEntryBytes: BIG,
  });
  change(env);
  return await encodeEnvelope(env);
}

async function refused(p: Promise<unknown>, check: (e: unknown) => boolean, what: string) {
  await assert.rejects(p, (e) => {
    assert.ok(check(e), `${what}: ${e}`);
    return true;
  });
}

function envelopeError(code: string) {
  return (e: unknown) => e instanceof EnvelopeError && e.code === code;
}

/** Round trip: the decrypted answer equals the integer head (or is within the error bound). */
async function roundTrip(
  spec: PlanSpec,
  net: Network,
  client: PlanClient,
  server: PlanServer,
  keys: EvaluationKeys | null,
  queries: number,
  seed: number,
): Promise<void> {
  const x = randomInputs(seed, queries, net.inputSize, net.inputMin, net.inputMax);
  const want = evaluatePlain(net, x, queries);
  const out = await server.evaluate(await client.encrypt(x, queries), keys, signal());
  assert.equal(out.queries, queries);
  const got = await client.decrypt(out.body, queries);
  assert.equal(got.exact, spec.cost.exact);
  if (spec.cost.exact) {
    assert.deepEqual(got.logits, want, `${spec.name}: logits differ from the integer head`);
  } else {
    const bound = (spec.extra as { errorBound: number }).errorBound;
    got.scores.forEach((row, q) =>
      row.forEach((v, j) => {
        const err = Math.abs(v - Number(want[q][j]) * 2 ** -net.outputScale);
        assert.ok(err <= bound, `${spec.name}: |error| ${err} over the bound ${bound}`);
      })
    );
  }
}

/** Bad input of every kind is refused with the right error. */
async function badInput(
  spec: PlanSpec,
  net: Network,
  client: PlanClient,
  server: PlanServer,
  keys: EvaluationKeys | null,
): Promise<void> {
  const x = randomInputs(3, 1, net.inputSize, net.inputMin, net.inputMax);
  const request = await client.encrypt(x, 1);
  const evaluate = (b: Uint8Array) => server.evaluate(b, keys, signal());
  await refused(
    evaluate(request.subarray(0, request.length - 7)),
    envelopeError("truncated"),
    "truncated",
  );
  const foreign = await rewrite(spec, request, (e) => (e.paramsHash = new Uint8Array(32).fill(7)));
  await refused(evaluate(foreign), envelopeError("foreign-parameters"), "foreign hash");
  const fewer = await rewrite(spec, request, (e) => {
    e.entries = e.entries.slice(1);
  });
  await refused(evaluate(fewer), envelopeError("malformed"), "an entry missing");
  const counted = await rewrite(spec, request, (e) => (e.count += 1));
  await refused(evaluate(counted), envelopeError("malformed"), "wrong count");
  const many = await rewrite(spec, request, (e) => {
    e.queries = spec.cost.maxQueries + 1;
    if (spec.encoding === "packed" || spec.encoding === "bfv-packed") e.count = e.queries;
  });
  await refused(evaluate(many), envelopeError("malformed"), "too many queries");
  if (spec.cost.needsKeys) {
    const full = await client.evaluationKeys();
    assert.ok(full);
    const empty = await packKeys(
      client.keys.ctx.params,
      client.keys.evaluationKeys.map(() => ({ relin: null, galois: null, publicKey: null })),
    );
    await refused(
      server.unpackKeys(empty, { check: true }),
      (e) => e instanceof MissingKeysError,
      "keys missing",
    );
    await assert.rejects(server.evaluate(request, null, signal()), Error, "no keys at all");
  }
}

/** SEAL's heap does not grow over repeated rounds (every SEAL object freed). */
async function heapFlat(
  spec: PlanSpec,
  net: Network,
  client: PlanClient,
  server: PlanServer,
  keys: EvaluationKeys | null,
  rounds: number,
): Promise<void> {
  const { heapBytes } = await loadSeal();
  const x = randomInputs(5, 1, net.inputSize, net.inputMin, net.inputMax);
  const round = async () => {
    const out = await server.evaluate(await client.encrypt(x, 1), keys, signal());
    await client.decrypt(out.body, 1);
  };
  for (let i = 0; i < 3; i++) await round();
  const before = heapBytes();
  for (let i = 0; i < rounds; i++) await round();
  assert.equal(heapBytes(), before, `${spec.name}: SEAL's heap grew over ${rounds} rounds`);
}

/**
 * Runs the conformance suite for plan `kind` on `fixture` as steps of test `t`.
 */
export async function planConformance(
  t: Deno.TestContext,
  kind: PlanKind,
  fixture: ConformanceFixture,
): Promise<void> {
  const net = compileModel(fixture.model);
  const def = PLANS[kind];
  const spec = await def.plan(net, fixture.options) as PlanSpec | null;
  assert.ok(spec, `${kind} fits the fixture`);
  await t.step("describe -> fromDescription gives back the spec", () => {
    const d = def.describe(spec as never);
    const back = def.fromDescription(d, spec.shape) as PlanSpec;
    assert.deepEqual(def.describe(back as never), d);
    for (
      const k of ["kind", "name", "encoding", "hash", "params", "shape", "keys", "cost"] as const
    ) {
      assert.deepEqual(back[k], spec[k], k);
    }
  });
  const server = await preparePlanServer(spec, net);
  const client = await openPlanClient(def.fromDescription(def.describe(spec as never), spec.shape));
  let keys: EvaluationKeys | null = null;
  try {
    const keyBytes = await client.evaluationKeys();
    assert.equal(keyBytes !== null, spec.cost.needsKeys);
    keys = keyBytes ? await server.unpackKeys(keyBytes, { check: true }) : null;
    const queries = fixture.queries ?? Math.min(4, spec.cost.maxQueries);
    await t.step(`round trip of ${queries} queries`, async () => {
      await roundTrip(spec, net, client, server, keys, queries, 1);
      await roundTrip(spec, net, client, server, keys, 1, 2);
    });
    await t.step("bad input is refused", () => badInput(spec, net, client, server, keys));
    await t.step(
      "SEAL's heap stays flat",
      () => heapFlat(spec, net, client, server, keys, fixture.rounds ?? 10),
    );
  } finally {
    keys?.delete();
    client.close();
    server.close();
  }
}
