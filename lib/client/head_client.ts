/**
 * The client of the edge function: fetches the model description, generates keys for a plan,
 * registers the evaluation keys once, encrypts quantized features (seeded symmetric ciphertexts,
 * half the size of full ones), sends them, and decrypts the encrypted logits. The secret key,
 * noise budgets and decrypted results never leave the client.
 *
 * @module
 */
import { ClientKeys } from "../he-head/client/keys.ts";
import { decryptOutputs } from "../he-head/client/decrypt.ts";
import { encryptInputsSerialized } from "../he-head/client/encrypt.ts";
import { argmax } from "../he-head/engine/plain.ts";
import { type Encoding, validateParams } from "../he-head/params/he_params.ts";
import { HeContext } from "../he-head/seal/context.ts";
import { freeResult } from "../he-head/seal/evaluate_encrypted.ts";
import { packInputs, packKeys, unpackResults } from "../he-head/wire/payloads.ts";
import {
  ENVELOPE_TYPE,
  type ErrorBody,
  KEY_ID_HEADER,
  type KeysResponse,
  type ModelDescription,
  PATHS,
  type PlanDescription,
  SERVER_MS_HEADER,
} from "../protocol/api.ts";

/** An HTTP error from the server, with its JSON error code. */
export class ServerError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(`${status} ${code}: ${message}`);
    this.name = "ServerError";
  }
}

/** The server's head expects another feature extractor than the client's. */
export class ExtractorMismatchError extends Error {
  constructor(expected: string, received: string) {
    super(`the head was trained on extractor ${expected}, the client extracts with ${received}`);
    this.name = "ExtractorMismatchError";
  }
}

/** Options of {@linkcode HeadClient.connect}. */
export interface ClientOptions {
  /** A fetch implementation (default: the global one). */
  fetch?: typeof fetch;
}

/** Timings (ms) and sizes (bytes) of one request. */
export interface RequestStats {
  encrypt_ms: number;
  request_ms: number;
  server_ms: number;
  decrypt_ms: number;
  query_bytes: number;
  response_bytes: number;
}

/** Decrypted results of a batch of queries. */
export interface Classification {
  /** Exact integer logits, `[query][class]`. */
  logits: bigint[][];
  /** Arg-max class per query. */
  predictions: Int32Array;
  /** Softmax of the real-valued logits (`logit * 2^-output_scale_log2`). */
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
  return new ServerError(res.status, code, message);
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
  for (const p of d.plans) validateParams(p.params);
  return d;
}

/** Softmax over real-valued logits. */
export function softmax(logits: readonly bigint[], scaleLog2: number): number[] {
  const x = logits.map((v) => Number(v) * 2 ** -scaleLog2);
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
    const fetcher = options.fetch ?? fetch;
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

  /** The plan with this name or encoding. */
  plan(which: string | Encoding): PlanDescription {
    const p = this.description.plans.find((x) => x.name === which || x.encoding === which);
    if (!p) {
      throw new RangeError(
        `no plan "${which}": the server offers ${
          this.description.plans.map((x) => x.name).join(", ")
        }`,
      );
    }
    return p;
  }

  /**
   * Generates keys for a plan and registers the evaluation keys (once; re-registering is
   * idempotent on the server).
   */
  async session(which: string | Encoding): Promise<ClientSession> {
    const plan = this.plan(which);
    const ctx = await HeContext.create(plan.params);
    let keys: ClientKeys | null = null;
    try {
      keys = ClientKeys.generate(ctx, {
        relin: plan.needs_relin_keys,
        galoisSteps: plan.galois_steps,
      });
      let keyId: string | null = null;
      let keyBytes = 0;
      if (plan.needs_relin_keys || plan.galois_steps.length) {
        const body = await packKeys(plan.params, keys.evaluationKeys);
        keyBytes = body.length;
        const res = await this.fetcher(new URL(PATHS.keys, this.baseUrl), {
          method: "POST",
          headers: { "content-type": ENVELOPE_TYPE },
          body: body as Uint8Array<ArrayBuffer>,
        });
        if (!res.ok) throw await failure(res);
        keyId = ((await res.json()) as KeysResponse).key_id;
      }
      return new ClientSession(this, plan, ctx, keys, keyId, keyBytes, this.fetcher);
    } catch (e) {
      keys?.delete();
      ctx.delete();
      throw e;
    }
  }
}

/** Keys for one plan, registered with the server. Free with `close()` or `using`. */
export class ClientSession {
  constructor(
    readonly client: HeadClient,
    readonly plan: PlanDescription,
    readonly ctx: HeContext,
    readonly keys: ClientKeys,
    /** Id of the registered evaluation keys (null when the plan needs none). */
    readonly keyId: string | null,
    /** Bytes of the evaluation-key upload. */
    readonly keyBytes: number,
    private readonly fetcher: typeof fetch,
  ) {}

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
    const logits: bigint[][] = [];
    const requests: RequestStats[] = [];
    for (let start = 0; start < count; start += this.plan.max_queries) {
      const n = Math.min(this.plan.max_queries, count - start);
      const r = await this.request(
        Array.prototype.slice.call(features, start * width, (start + n) * width),
        n,
        width,
      );
      logits.push(...r.logits);
      requests.push(r.stats);
    }
    return {
      logits,
      predictions: Int32Array.from(logits, argmax),
      probabilities: logits.map((l) => softmax(l, d.output_scale_log2)),
      requests,
    };
  }

  private async request(values: number[], count: number, width: number) {
    const t0 = performance.now();
    const body = await packInputs(
      this.plan.params,
      encryptInputsSerialized(this.keys, values, count, width),
      count,
    );
    const t1 = performance.now();
    const headers: Record<string, string> = { "content-type": ENVELOPE_TYPE };
    if (this.keyId) headers[KEY_ID_HEADER] = this.keyId;
    const res = await this.fetcher(new URL(PATHS.classify, this.client.baseUrl), {
      method: "POST",
      headers,
      body: body as Uint8Array<ArrayBuffer>,
    });
    if (!res.ok) throw await failure(res);
    const response = new Uint8Array(await res.arrayBuffer());
    const t2 = performance.now();
    const outputs = await unpackResults(this.ctx, response, {
      outputs: this.client.description.classes.length,
    });
    let logits: bigint[][];
    try {
      logits = decryptOutputs(this.keys, outputs, count);
    } finally {
      freeResult(outputs);
    }
    const t3 = performance.now();
    return {
      logits,
      stats: {
        encrypt_ms: t1 - t0,
        request_ms: t2 - t1,
        server_ms: Number(res.headers.get(SERVER_MS_HEADER) ?? NaN),
        decrypt_ms: t3 - t2,
        query_bytes: body.length,
        response_bytes: response.length,
      },
    };
  }

  /** Frees the keys and contexts. */
  close(): void {
    this.keys.delete();
    this.ctx.delete();
  }

  /** Frees at scope exit with `using`. */
  [Symbol.dispose](): void {
    this.close();
  }
}
