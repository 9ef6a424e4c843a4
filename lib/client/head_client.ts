/**
 * The client of the edge function: fetches the model description, generates keys for a plan,
 * registers the evaluation keys once, encrypts quantized features (seeded symmetric ciphertexts,
 * half the size of full ones), sends them, and decrypts the encrypted logits. The secret key,
 * noise budgets and decrypted results never leave the client.
 *
 * @module
 */
import { argmax } from "../he-head/engine/plain.ts";
import {
  choosePlan,
  definitionOf,
  type HeadShape,
  type PlanChoice,
  specOf,
} from "../he-head/mod.ts";
import { type ClientKeys, openPlanClient, type PlanClient } from "../he-head/client.ts";
import type { SealContexts } from "../he-head/mod.ts";
import {
  AUTH_HEADER,
  ENVELOPE_TYPE,
  type ErrorBody,
  KEY_ID_HEADER,
  type KeysResponse,
  type ModelDescription,
  PATHS,
  PLAN_ESTIMATE_HEADER,
  type PlanDescription,
  RETRY_AFTER_HEADER,
  SERVER_MS_HEADER,
} from "../protocol/api.ts";

// The types the client's public API names, public with it (deno doc --lint).
export type { HeadShape, NoiseSource, PlanChoice, PrivacyStatement } from "../he-head/mod.ts";
export { NOISE_SOURCES } from "../model/format.ts";
export type {
  AuthDescription,
  LayerDescription,
  ModelDescription,
  PlanDescription,
  Quota,
} from "../protocol/api.ts";

/** An HTTP error from the server, with its JSON error code. */
export class ServerError extends Error {
  /**
   * Creates a {@linkcode ServerError}.
   *
   * @param status HTTP status
   * @param code the JSON error code
   * @param message the server's message
   * @param retryAfter seconds to wait before retrying, or null
   */
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Seconds to wait before retrying (429 and 503 answers), or null. */
    readonly retryAfter: number | null = null,
  ) {
    super(`${status} ${code}: ${message}`);
    this.name = "ServerError";
  }
}

/** The server's head expects another feature extractor than the client's. */
export class ExtractorMismatchError extends Error {
  /**
   * Creates a {@linkcode ExtractorMismatchError}.
   *
   * @param expected the extractor id the head was trained on
   * @param received the client's extractor id
   */
  constructor(expected: string, received: string) {
    super(`the head was trained on extractor ${expected}, the client extracts with ${received}`);
    this.name = "ExtractorMismatchError";
  }
}

/** Options of {@linkcode HeadClient.connect}. */
export interface ClientOptions {
  /** A fetch implementation (default: the global one). */
  fetch?: typeof fetch;
  /**
   * The bearer token (`fcn_...`, from `deno task token create`) sent on key registration and
   * classification; the command-line clients read it from `--token` or `FCN_TOKEN`.
   */
  token?: string;
}

/** Timings (ms) and sizes (bytes) of one request. */
export interface RequestStats {
  /** Queries in the request. */
  queries: number;
  /** Encoding and encryption (ms). */
  encrypt_ms: number;
  /** The HTTP round trip, server included (ms). */
  request_ms: number;
  /** The server's own time (ms), from its response header. */
  server_ms: number;
  /** The server's cost-model expectation for this request. */
  estimated_ms: number;
  /** Decryption and decoding (ms). */
  decrypt_ms: number;
  /** Bytes of the request envelope. */
  query_bytes: number;
  /** Bytes of the response envelope. */
  response_bytes: number;
}

/** Decrypted results of a batch of queries. */
export interface Classification {
  /** True when `logits` are exact integers (BFV plans). */
  exact: boolean;
  /** Exact integer logits `[query][class]` (BFV plans), or null (packed CKKS plan). */
  logits: bigint[][] | null;
  /** Real-valued logits `[query][class]` (`integer logit * 2^-output_scale_log2` when exact). */
  scores: number[][];
  /** Arg-max class per query. */
  predictions: Int32Array;
  /** Softmax of the scores. */
  probabilities: number[][];
  /** One entry per HTTP request made. */
  requests: RequestStats[];
}

async function failure(res: Response): Promise<ServerError> {
  let code = "http", message = res.statusText;
  try {
    const body = (await res.json()) as ErrorBody;
    code = body.error.code;
    message = body.error.message;
  } catch { /* not JSON */ }
  const retry = res.headers.get(RETRY_AFTER_HEADER);
  const seconds = retry !== null && /^\d+$/.test(retry.trim()) ? Number(retry) : null;
  return new ServerError(res.status, code, message, seconds);
}

function checkDescription(d: ModelDescription): ModelDescription {
  if (
    typeof d !== "object" || d === null || !Array.isArray(d.plans) || !d.input ||
    !Array.isArray(d.input.shape)
  ) {
    throw new TypeError(
      "the server's model description is malformed: expected input, plans, classes",
    );
  }
  for (const p of d.plans) {
    definitionOf(p).validateParams(p.params);
    if (p.flooded) definitionOf(p.flooded).validateParams(p.flooded.params);
  }
  return d;
}

/** Softmax. */
export function softmax(x: readonly number[]): number[] {
  const m = Math.max(...x);
  const e = x.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

/** A connection to an edge function serving one model. */
export class HeadClient {
  private constructor(
    readonly baseUrl: URL,
    readonly description: ModelDescription,
    private readonly fetcher: typeof fetch,
  ) {}

  /** Fetches and checks the model description. */
  static async connect(baseUrl: string | URL, options: ClientOptions = {}): Promise<HeadClient> {
    const base = options.fetch ?? fetch;
    const token = options.token;
    if (token !== undefined && !/^\S+$/.test(token)) {
      throw new TypeError("token: expected a token without spaces (fcn_...), received another");
    }
    // The token goes with the authenticated (POST) requests only.
    const fetcher = ((input: RequestInfo | URL, init: RequestInit = {}) => {
      if (!token || (init.method ?? "GET") === "GET") return base(input, init);
      const headers = new Headers(init.headers);
      headers.set(AUTH_HEADER, `Bearer ${token}`);
      return base(input, { ...init, headers });
    }) as typeof fetch;
    const url = new URL(baseUrl);
    const res = await fetcher(new URL(PATHS.model, url));
    if (!res.ok) throw await failure(res);
    return new HeadClient(url, checkDescription(await res.json()), fetcher);
  }

  /** Refuses to go on if the head expects another extractor than `extractorId`. */
  checkExtractor(extractorId: string): void {
    const want = this.description.extractor?.id;
    if (want && want !== extractorId) throw new ExtractorMismatchError(want, extractorId);
  }

  /**
   * The plan with this name or encoding; a flooded (circuit-private) variant by its name or as
   * `"<encoding>_flooded"`, e.g. `"poly_flooded"`.
   */
  plan(which: string): PlanDescription {
    const plans = this.description.plans;
    const p = plans.find((x) => x.name === which || x.encoding === which) ??
      plans.map((x) => x.flooded).find((f) =>
        f && (f.name === which || `${f.encoding}_flooded` === which)
      );
    if (!p) {
      const offered = plans.flatMap((x) => x.flooded ? [x.name, x.flooded.name] : [x.name]);
      throw new RangeError(`no plan "${which}": the server offers ${offered.join(", ")}`);
    }
    return p;
  }

  /**
   * The fastest plan for `queries` queries by the server's cost model, among the plans whose
   * keys are in `registered` (all plans when omitted).
   */
  choosePlan(queries: number, registered?: string[]): PlanChoice {
    const shape = this.shape;
    return choosePlan(
      this.description.plans.map((p) => specOf(p, shape)),
      queries,
      registered,
    );
  }

  /** The head's shape, as both halves of a plan need it. */
  get shape(): HeadShape {
    const d = this.description;
    return {
      inputs: d.input.shape.reduce((a, b) => a * b, 1),
      outputs: d.classes.length,
      inputMin: d.input.min,
      inputMax: d.input.max,
      outputScaleLog2: d.output_scale_log2,
    };
  }

  /**
   * Generates keys for a plan and registers its evaluation keys (once), or goes on with the keys
   * of an earlier session (`saved`, from {@linkcode ClientSession.save}) when they are for the
   * same plan and parameters: no key generation, no upload (re-registered if the server forgot
   * them).
   */
  async session(which: string, saved?: SavedSession): Promise<ClientSession> {
    const plan = this.plan(which);
    const reuse = saved?.plan === plan.name && saved.params_hash === plan.params_hash
      ? saved
      : undefined;
    const half = await openPlanClient(
      specOf(plan, this.shape),
      reuse && { secretKeys: reuse.secret_keys },
    );
    const session = new ClientSession(this, plan, half, reuse?.key_id ?? null, this.fetcher);
    try {
      if (!reuse || (reuse.key_id === null && half.spec.cost.needsKeys)) await session.register();
      return session;
    } catch (e) {
      half.close();
      throw e;
    }
  }
}

/**
 * What a client keeps between visits to reuse a session (a browser stores it in IndexedDB): the
 * plan, its parameters, the secret keys and the id of the registered evaluation keys.
 */
export interface SavedSession {
  /** The plan's name. */
  plan: string;
  /** The plan's parameter hash (keys for other parameters are not reused). */
  params_hash: string;
  /** Id of the registered evaluation keys, or null when the plan needs none. */
  key_id: string | null;
  /** SEAL's serialization of the secret key of each plaintext modulus. */
  secret_keys: Uint8Array[];
}

/** Keys for one plan, registered with the server. Free with `close()` or `using`. */
export class ClientSession {
  /**
   * Creates a {@linkcode ClientSession}.
   *
   * @param client the connection
   * @param plan the plan's entry of GET /v1/model
   * @param half the plan's client half (secret key)
   * @param keyId id of the registered evaluation keys, or null
   * @param fetcher the fetch to send requests with
   */
  constructor(
    readonly client: HeadClient,
    readonly plan: PlanDescription,
    /**
     * The plan's client half (secret key, encryption, decryption): `lib/he-head/client.ts`'s
     * lower-level interface, for benchmarks and tests.
     *
     * @ignore
     */
    readonly half: PlanClient,
    keyId: string | null,
    private readonly fetcher: typeof fetch,
  ) {
    this.#keyId = keyId;
  }

  #keyId: string | null;
  #keyBytes = 0;

  /** Id of the registered evaluation keys (null when the plan needs none). */
  get keyId(): string | null {
    return this.#keyId;
  }

  /** Bytes of the last evaluation-key upload (0 when none was made by this session). */
  get keyBytes(): number {
    return this.#keyBytes;
  }

  /** Uploads the evaluation keys (POST /v1/keys), when the plan needs some. */
  async register(): Promise<void> {
    const body = await this.half.evaluationKeys();
    if (!body) return;
    const res = await this.fetcher(new URL(PATHS.keys, this.client.baseUrl), {
      method: "POST",
      headers: { "content-type": ENVELOPE_TYPE },
      body: body as Uint8Array<ArrayBuffer>,
    });
    if (!res.ok) throw await failure(res);
    this.#keyId = ((await res.json()) as KeysResponse).key_id;
    this.#keyBytes = body.length;
  }

  /** What to keep to reuse these keys later ({@linkcode HeadClient.session}'s `saved`). */
  save(): SavedSession {
    const keys = this.half.keys;
    return {
      plan: this.plan.name,
      params_hash: this.plan.params_hash,
      key_id: this.#keyId,
      secret_keys: keys.ctx.moduli.map((_, i) => keys.saveSecretKey(i)),
    };
  }

  /**
   * The secret-key material of the session (`lib/he-head/client.ts`'s `ClientKeys`), for tests.
   *
   * @ignore
   */
  get keys(): ClientKeys<SealContexts> {
    return this.half.keys;
  }

  /**
   * Classifies `count` queries of quantized integer features (row-major), splitting them into
   * requests of at most the plan's `max_queries`.
   */
  async classify(features: ArrayLike<number>, count: number): Promise<Classification> {
    const d = this.client.description;
    const width = d.input.shape.reduce((a, b) => a * b, 1);
    if (features.length !== count * width) {
      throw new RangeError(`expected ${count} x ${width} features, received ${features.length}`);
    }
    for (let i = 0; i < features.length; i++) {
      const v = features[i];
      if (!Number.isInteger(v) || v < d.input.min || v > d.input.max) {
        throw new RangeError(
          `expected quantized features in [${d.input.min}, ${d.input.max}], received ${v} at ${i}`,
        );
      }
    }
    const exact = this.half.spec.cost.exact;
    const logits: bigint[][] = [];
    const scores: number[][] = [];
    const requests: RequestStats[] = [];
    for (let start = 0; start < count; start += this.plan.max_queries) {
      const n = Math.min(this.plan.max_queries, count - start);
      const r = await this.request(
        Array.prototype.slice.call(features, start * width, (start + n) * width),
        n,
      );
      if (r.logits) logits.push(...r.logits);
      scores.push(...r.scores);
      requests.push(r.stats);
    }
    return {
      exact,
      logits: exact ? logits : null,
      scores,
      predictions: exact
        ? Int32Array.from(logits, argmax)
        : Int32Array.from(scores, (s) => s.indexOf(Math.max(...s))),
      probabilities: scores.map(softmax),
      requests,
    };
  }

  /**
   * One HTTP request of `count` queries: encrypt, send, decrypt, time. Keys the server no longer
   * knows (expired, or registered by another token) are registered again and the request is
   * sent once more.
   */
  private async request(
    values: number[],
    count: number,
  ): Promise<{ logits: bigint[][] | null; scores: number[][]; stats: RequestStats }> {
    const t0 = performance.now();
    const body = await this.half.encrypt(values, count);
    const t1 = performance.now();
    let res = await this.post(body);
    if (res.status === 404 && this.#keyId) {
      const refused = await failure(res);
      if (refused.code !== "unknown-key-id") throw refused;
      await this.register();
      res = await this.post(body);
    }
    if (!res.ok) throw await failure(res);
    const response = new Uint8Array(await res.arrayBuffer());
    const t2 = performance.now();
    const { logits, scores } = await this.half.decrypt(response, count);
    const t3 = performance.now();
    return {
      logits,
      scores,
      stats: {
        queries: count,
        encrypt_ms: t1 - t0,
        request_ms: t2 - t1,
        server_ms: Number(res.headers.get(SERVER_MS_HEADER) ?? NaN),
        estimated_ms: Number(res.headers.get(PLAN_ESTIMATE_HEADER) ?? NaN),
        decrypt_ms: t3 - t2,
        query_bytes: body.length,
        response_bytes: response.length,
      },
    };
  }

  /** POSTs a query envelope to /v1/classify with the session's key id. */
  private post(body: Uint8Array<ArrayBuffer>): Promise<Response> {
    const headers: Record<string, string> = { "content-type": ENVELOPE_TYPE };
    if (this.#keyId) headers[KEY_ID_HEADER] = this.#keyId;
    return this.fetcher(new URL(PATHS.classify, this.client.baseUrl), {
      method: "POST",
      headers,
      body,
    });
  }

  /** Frees the keys and contexts. */
  close(): void {
    this.half.close();
  }

  /** Frees at scope exit with `using`. */
  [Symbol.dispose](): void {
    this.close();
  }
}
