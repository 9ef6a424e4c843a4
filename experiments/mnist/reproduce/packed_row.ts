/**
 * The packed row of the reproduction (issue 7): the whole network of a Faster variant evaluated
 * on one CKKS ciphertext per image (every layer a packed matrix-vector product, one square per
 * activation for all units), compared with the exact integer reference. It goes through the
 * `ckks_network` plan's halves like any client and server: the client half makes the keys,
 * encrypts each image into a request and decrypts the answer; the server half evaluates it. The
 * latency is the evaluation alone (the server half's `evaluate_ms`), the bytes those of the one
 * ciphertext each envelope carries.
 *
 * @module
 */
import { openPlanClient, type PlanClient } from "../../../lib/he-head/client.ts";
import {
  argmax,
  ckksPresetName,
  decodeEnvelope,
  type EnvelopeKind,
  evaluateFast,
  type HopCounts,
  type NetworkSpec,
  paramsHash,
  type PlanOptions,
  PLANS,
  type PlanSpec,
} from "../../../lib/he-head/mod.ts";
import {
  type EvaluationKeys,
  type PlanServer,
  preparePlanServer,
} from "../../../lib/he-head/server.ts";
import { compileModel, type Network, type QuantizedModel } from "../../../lib/model/mod.ts";
import { formatBytes, median, ProgressBar } from "../../../lib/report/mod.ts";
import type { ReproduceSetup } from "./variant_row.ts";

/** The packed row (JSON keys of `results.json`). */
export interface PackedRow {
  /** `<variant> (packed)`. */
  name: string;
  /** The variant whose model is evaluated. */
  base_variant: string;
  /** CKKS preset name. */
  params: string;
  /** Images evaluated, one ciphertext each. */
  encrypted_images: number;
  /** Images whose arg-max differs from the integer reference's. */
  argmax_mismatches: number;
  /** Accuracy of the encrypted predictions. */
  encrypted_accuracy: number;
  /** Largest `|logit - exact logit|` over all images and classes. */
  max_abs_error: number;
  /** Median seconds per image, after the first. */
  latency_s: number;
  /** HOPs of one evaluation. */
  hops: HopCounts;
  /** Galois keys the rotations need. */
  galois_steps: number;
  /** Bytes of the evaluation keys (relinearization and Galois, SEAL's seeded blobs). */
  key_bytes: number;
  /** Bytes of the keys envelope as uploaded (deflated). */
  key_envelope_bytes: number;
  /** Bytes of one query ciphertext. */
  query_bytes: number;
  /** Bytes of one response ciphertext. */
  response_bytes: number;
  /** Seconds of key generation. */
  keygen_s: number;
}

/** What the images of one plan instance measured so far. */
interface PackedImages {
  times: number[];
  mismatches: number;
  correct: number;
  maxErr: number;
  hops: HopCounts;
  queryBytes: number;
  responseBytes: number;
}

/** Bytes of the one ciphertext an envelope of one query carries (SEAL's serialization). */
async function ciphertextBytes(
  envelope: Uint8Array,
  kind: EnvelopeKind,
  spec: PlanSpec,
): Promise<number> {
  const env = await decodeEnvelope(envelope, {
    kind,
    paramsHash: await paramsHash(spec.params),
    maxBytes: envelope.length,
    maxBodyBytes: Number.MAX_SAFE_INTEGER,
    maxEntryBytes: Number.MAX_SAFE_INTEGER,
  });
  return env.entries[0].bytes.length;
}

/** One `ckks_network` plan instance's halves and keys, evaluating images one at a time. */
export class PackedSession {
  private readonly out: PackedImages = {
    times: [],
    mismatches: 0,
    correct: 0,
    maxErr: 0,
    hops: null as unknown as HopCounts,
    queryBytes: 0,
    responseBytes: 0,
  };
  private readonly want: bigint[][];

  private constructor(
    readonly spec: NetworkSpec,
    private readonly net: Network,
    private readonly client: PlanClient,
    private readonly server: PlanServer,
    private readonly ek: EvaluationKeys,
    /** Bytes of the evaluation keys' SEAL blobs (seeded). */
    readonly keyBytes: number,
    /** Bytes of the keys envelope as uploaded (POST /v1/keys, deflated). */
    readonly keyEnvelopeBytes: number,
    private readonly setup: ReproduceSetup,
  ) {
    const x = setup.test.ints.subarray(0, setup.images * net.inputSize);
    this.want = evaluateFast(net, x, setup.images);
  }

  /** Opens the plan for `net` with `options`, or null when the network has no packed plan. */
  static async open(
    net: Network,
    setup: ReproduceSetup,
    options: PlanOptions = {},
  ): Promise<PackedSession | null> {
    const spec = await PLANS.ckks_network.plan(net, options);
    if (!spec) return null;
    const client = await openPlanClient(spec);
    try {
      const server = await preparePlanServer(spec, net);
      try {
        const envelope = (await client.evaluationKeys())!;
        const ek = await server.unpackKeys(envelope, { check: true });
        const blobs = client.keys.evaluationKeys[0];
        const keyBytes = blobs.relin!.length + blobs.galois!.length;
        return new PackedSession(
          spec,
          net,
          client,
          server,
          ek,
          keyBytes,
          envelope.length,
          setup,
        );
      } catch (e) {
        server[Symbol.dispose]();
        throw e;
      }
    } catch (e) {
      client[Symbol.dispose]();
      throw e;
    }
  }

  /** Seconds the client's key generation took. */
  get keygenS(): number {
    return this.client.keygenMs / 1000;
  }

  /** Encrypts test image `q`, evaluates it, decrypts and compares with the integer reference. */
  async image(q: number): Promise<void> {
    const { client, server, ek, net, out } = this;
    const { test } = this.setup;
    const request = await client.encrypt(
      test.ints.subarray(q * net.inputSize, (q + 1) * net.inputSize),
      1,
    );
    out.queryBytes = await ciphertextBytes(request, "ciphertexts", client.spec);
    const signal = new AbortController().signal;
    const r = await server.evaluate(request, ek, { signal, maxBytes: request.length });
    // The evaluation alone, as PackedNetwork.evaluate was timed before (not unpack and pack).
    out.times.push(r.stages!.evaluate_ms);
    out.responseBytes = await ciphertextBytes(r.body, "results", client.spec);
    out.hops = r.hops!;
    const got = (await client.decrypt(r.body, 1)).scores[0];
    const exact = this.want[q].map((v) => Number(v) * 2 ** -net.outputScale);
    got.forEach((v, k) => (out.maxErr = Math.max(out.maxErr, Math.abs(v - exact[k]))));
    const p = got.indexOf(Math.max(...got));
    if (p !== argmax(this.want[q])) out.mismatches++;
    if (p === test.y[q]) out.correct++;
  }

  /** The row of the images evaluated so far. */
  row(baseVariant: string): PackedRow {
    const m = this.out, images = m.times.length;
    return {
      name: `${baseVariant} (packed)`,
      base_variant: baseVariant,
      params: ckksPresetName(this.spec.params),
      encrypted_images: images,
      argmax_mismatches: m.mismatches,
      encrypted_accuracy: m.correct / images,
      max_abs_error: m.maxErr,
      latency_s: median(m.times.slice(1).length ? m.times.slice(1) : m.times) / 1000,
      hops: m.hops,
      galois_steps: this.spec.keys.galoisSteps.length,
      key_bytes: this.keyBytes,
      key_envelope_bytes: this.keyEnvelopeBytes,
      query_bytes: m.queryBytes,
      response_bytes: m.responseBytes,
      keygen_s: this.keygenS,
    };
  }

  /** Frees keys, halves and contexts. */
  [Symbol.dispose](): void {
    this.ek[Symbol.dispose]();
    this.server[Symbol.dispose]();
    this.client[Symbol.dispose]();
  }
}

/**
 * Measures the packed CKKS plan on `setup.images` test images of `model`, or returns null (and
 * says so) when the network has no packed plan at ring degree 4096.
 *
 * @example
 * ```ts
 * import { getMnistVariant, loadQuantizedMnist } from "../mod.ts";
 * import { measurePackedRow } from "./packed_row.ts";
 * const test = await loadQuantizedMnist("test", 10);
 * const { model } = await getMnistVariant("faster-relu-aq");
 * const row = await measurePackedRow(model, "faster-relu-aq", {
 *   test, images: 3, latencyImages: 0, baselinePolyMaxS: 0, workers: 1, log: console.error,
 * });
 * console.log(row?.max_abs_error);
 * ```
 */
export async function measurePackedRow(
  model: QuantizedModel,
  baseVariant: string,
  setup: ReproduceSetup,
): Promise<PackedRow | null> {
  const { images, log } = setup;
  log(`\n== ${baseVariant} (packed, CKKS)`);
  using session = await PackedSession.open(compileModel(model), setup);
  if (!session) {
    log("no packed plan for this network");
    return null;
  }
  const bar = new ProgressBar(images, "packed images");
  for (let q = 0; q < images; q++) {
    await session.image(q);
    bar.update(q + 1);
  }
  bar.done();
  const row = session.row(baseVariant);
  log(
    `packed: ${row.params}, ${
      row.latency_s.toFixed(2)
    } s per image (median, after the first), ${row.argmax_mismatches} arg-max differences / ${images}, max |error| ${
      row.max_abs_error.toExponential(2)
    }, keys ${formatBytes(row.key_bytes)} (${row.galois_steps} Galois steps)`,
  );
  return row;
}
