/**
 * The whole client in the browser, stage by stage: the public extractor (the library's, with its
 * id checked against `/v1/model`; for a head with a `preprocessing` block, that block's pipeline,
 * see `features.ts`), quantization with the server's input spec, keys (generated once
 * per plan and kept in IndexedDB), encryption, the request, decryption and softmax; each stage
 * timed, the bytes counted.
 *
 * @module
 */
import { type ClientSession, HeadClient } from "../../lib/client/browser.ts";
import { openFeatures, type PageFeatures } from "./features.ts";
import { loadSeal } from "../../lib/he-head/seal/runtime.ts";
import { initTf, type TfBackendName } from "../../lib/tfjs/runtime.ts";
import { loadSession, storeSession } from "./key_db.ts";
import { recordingFetch, type Traffic } from "./traffic.ts";
import { type SeenQuery, seenQuery } from "./server_view.ts";

/** Milliseconds of each stage of one classification. */
export interface StageTimes {
  extract: number;
  keygen: number;
  register: number;
  encrypt: number;
  upload_server: number;
  server: number;
  decrypt: number;
  total: number;
}

/** One classification, as the page shows it. */
export interface Result {
  plan: string;
  exact: boolean;
  /**
   * The extractor's input (the 64 UCI block counts, or the preprocessed image) and the quantized
   * features that were encrypted.
   */
  raw: number[];
  features: number[];
  /** Decrypted integer logits (exact plans), as decimal strings, else null. */
  logits: string[] | null;
  scores: number[];
  probabilities: number[];
  prediction: number;
  times: StageTimes;
  sent: number;
  received: number;
  keyBytes: number;
  /** Where this plan's keys came from: generated in this query, earlier in this visit, IndexedDB. */
  keys: "generated now" | "generated earlier" | "from IndexedDB";
  /** Key generation and registration of this plan's session (ms), whenever they happened. */
  keygenMs: number;
  registerMs: number;
  /** What the server saw: the query envelope, summarised, and its first ciphertext bytes. */
  seen: SeenQuery;
  errorBound: number | null;
}

/** An open session and how its keys were obtained. */
interface Opened {
  s: ClientSession;
  /** Keys restored from IndexedDB (no generation, no upload). */
  stored: boolean;
  keygenMs: number;
  registerMs: number;
}

/** The connection, the extractor and the open sessions of one token. */
export class BrowserClassifier {
  readonly #sessions = new Map<string, Opened>();
  readonly #traffic: Traffic;

  private constructor(
    readonly client: HeadClient,
    readonly input: PageFeatures,
    traffic: Traffic,
  ) {
    this.#traffic = traffic;
  }

  /**
   * Loads SEAL and TensorFlow.js from `origin` (the tfjs backend: `wasm`, the CLI's, or `cpu`),
   * connects, loads and checks the extractor.
   */
  static async open(
    origin: string,
    token: string | undefined,
    backend: TfBackendName = "wasm",
  ): Promise<BrowserClassifier> {
    const traffic: Traffic = { sent: 0, received: 0, lastQuery: null };
    let timeout = 60_000;
    const fetcher = recordingFetch(traffic, () => timeout);
    const client = await HeadClient.connect(origin, { fetch: fetcher, token });
    timeout = client.description.limits.timeout_ms + 30_000;
    await loadSeal();
    await initTf(backend, new URL("/web/", origin).href);
    return new BrowserClassifier(client, await openFeatures(client, origin), traffic);
  }

  /** The extractor run (its id is the model's). */
  get extractor(): PageFeatures["extractor"] {
    return this.input.extractor;
  }

  /** Every plan the server offers (flooded variants included), by name. */
  get plans(): string[] {
    return this.client.description.plans.flatMap((p) =>
      p.flooded ? [p.name, p.flooded.name] : [p.name]
    );
  }

  /** The planner's choice for one query. */
  get defaultPlan(): string {
    return this.client.choosePlan(1).plan;
  }

  /** The session of `plan`: open, or from IndexedDB, or with fresh keys (then saved). */
  async #session(plan: string, times: StageTimes): Promise<Opened & { now: boolean }> {
    const open = this.#sessions.get(plan);
    if (open) return { ...open, now: false };
    const saved = await loadSession(plan);
    const t0 = performance.now();
    const s = await this.client.session(plan, saved);
    const stored = s.keyBytes === 0 && saved !== undefined;
    times.keygen = stored ? 0 : s.half.keygenMs;
    times.register = performance.now() - t0 - times.keygen;
    const opened: Opened = {
      s,
      stored,
      keygenMs: times.keygen,
      registerMs: times.register,
    };
    this.#sessions.set(plan, opened);
    await storeSession(s.save());
    return { ...opened, now: true };
  }

  /** Classifies one picture (RGBA pixels) under `plan`, timing every stage. */
  async classify(image: ImageData, plan: string): Promise<Result> {
    const start = performance.now();
    const times: StageTimes = {
      extract: 0,
      keygen: 0,
      register: 0,
      encrypt: 0,
      upload_server: 0,
      server: 0,
      decrypt: 0,
      total: 0,
    };
    const { raw, features } = this.input.read(image);
    times.extract = performance.now() - start;
    const { s, stored, now, keygenMs, registerMs } = await this.#session(plan, times);
    const keyId = s.keyId;
    const before = { sent: this.#traffic.sent, received: this.#traffic.received };
    const r = await s.classify(features, 1);
    const q = r.requests[0];
    if (s.keyId !== keyId) await storeSession(s.save()); // re-registered: the server forgot them
    times.encrypt = q.encrypt_ms;
    times.upload_server = q.request_ms;
    times.server = q.server_ms;
    times.decrypt = q.decrypt_ms;
    const probabilities = r.probabilities[0];
    times.total = performance.now() - start;
    return {
      plan,
      exact: r.exact,
      raw: Array.from(raw),
      features: Array.from(features),
      logits: r.logits ? r.logits[0].map(String) : null,
      scores: r.scores[0],
      probabilities,
      prediction: r.predictions[0],
      times,
      sent: this.#traffic.sent - before.sent,
      received: this.#traffic.received - before.received,
      keyBytes: s.keyBytes,
      keys: stored ? "from IndexedDB" : now ? "generated now" : "generated earlier",
      keygenMs,
      registerMs,
      seen: await seenQuery(this.#traffic.lastQuery!, s.plan.params_hash),
      errorBound: (s.plan as { error_bound?: number }).error_bound ?? null,
    };
  }

  /** Closes every session (frees SEAL's keys) and the extractor. */
  close(): void {
    for (const { s } of this.#sessions.values()) s.close();
    this.#sessions.clear();
    this.input.dispose();
  }
}
