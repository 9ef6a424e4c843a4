/**
 * What every plan's server half does the same way over SEAL: checking that evaluation keys hold
 * what the plan needs, decoding and loading keys, their sizes and heap, and freeing the context.
 * Each plan's `server.ts` extends {@linkcode SealPlanServer} with its evaluation.
 *
 * @module
 */
import type { Ciphertext } from "node-seal/dist/seal_throws.d.ts";
import type { EvaluationKeys } from "../../seal/server/evaluation_keys.ts";
import { galoisElement } from "../../seal/galois.ts";
import type { SealContexts } from "../../seal/context.ts";
import { MissingKeysError } from "../errors.ts";
import type { PlanSpec } from "../plan.ts";
import type { EvaluateOptions, PlanOutput, PlanServer, StageTimes } from "../server.ts";
import {
  ciphertextBytes,
  decodeKeys,
  type KeyBlobs,
  keySwitchKeyBytes,
  packResults,
  unpackQueries,
} from "../../wire/payloads.ts";
import { loadKeys, unpackKeys } from "../../seal/server/load_keys.ts";

/**
 * Checks that evaluation keys hold what the plan needs: relinearisation keys for every modulus,
 * a public key for every modulus (flooded plans), and a Galois key for every rotation step.
 *
 * @throws {MissingKeysError} naming what is missing.
 */
function requireKeys(spec: PlanSpec, keys: EvaluationKeys): void {
  if (spec.keys.relin && keys.relin.some((k) => k === null)) {
    throw new MissingKeysError(
      `plan ${spec.name} needs relinearization keys for every plaintext modulus`,
    );
  }
  const noPk = keys.publicKeys.findIndex((k) => k === null);
  if (spec.keys.publicKey && noPk >= 0) {
    throw new MissingKeysError(
      `plan ${spec.name} floods its answers: expected the client's public key (envelope entry "public-key") for each of the ${keys.publicKeys.length} plaintext moduli, received none for modulus ${noPk}`,
    );
  }
  for (const step of spec.keys.galoisSteps) {
    const elt = galoisElement(step, spec.params.polyModulusDegree);
    if (keys.galois.some((g) => !g || !g.hasKey(elt))) {
      throw new MissingKeysError(`plan ${spec.name} needs a Galois key for rotation step ${step}`);
    }
  }
}

/** The key handling and bookkeeping of a plan's server half over one SEAL context. */
export abstract class SealPlanServer<
  S extends PlanSpec,
  C extends SealContexts & { delete(): void },
> implements PlanServer<S> {
  /**
   * @param spec the plan instance
   * @param ctx its SEAL contexts (owned: freed by `close()`)
   */
  constructor(readonly spec: S, protected readonly ctx: C) {}

  /** The plan's name. */
  get name(): string {
    return this.spec.name;
  }

  /** Evaluation keys of one full upload, per modulus. */
  private get keyCount(): number {
    const k = this.spec.keys;
    return Number(k.relin) + Number(k.publicKey) + k.galoisSteps.length;
  }

  /** SEAL payload bytes of a full key upload. */
  get keyBytes(): number {
    return this.ctx.moduli.length * this.keyCount * keySwitchKeyBytes(this.ctx.params);
  }

  /** SEAL heap of the plan's evaluation keys once loaded (expanded from their seeded form). */
  keysHeapBytes(): number {
    return this.ctx.moduli.length * Math.max(1, this.keyCount) *
      keySwitchKeyBytes(this.ctx.params);
  }

  private get maxGaloisSteps(): number {
    return Math.max(1, this.spec.keys.galoisSteps.length);
  }

  /** Structure check of a keys envelope, without SEAL. */
  decodeKeys(bytes: Uint8Array, maxBytes: number): Promise<KeyBlobs[]> {
    return decodeKeys(this.ctx, bytes, { maxGaloisSteps: this.maxGaloisSteps, maxBytes });
  }

  /** Loads checked keys into SEAL and checks the plan has what it needs (freed when not). */
  loadKeys(blobs: KeyBlobs[]): EvaluationKeys {
    const keys = loadKeys(this.ctx, blobs);
    try {
      requireKeys(this.spec, keys);
    } catch (e) {
      keys.delete();
      throw e;
    }
    return keys;
  }

  /** Decodes and loads a keys envelope; with `check`, also checks what the plan needs. */
  async unpackKeys(
    bytes: Uint8Array,
    options: { maxBytes?: number; check: boolean },
  ): Promise<EvaluationKeys> {
    if (!options.check) return await unpackKeys(this.ctx, bytes);
    const keys = await unpackKeys(this.ctx, bytes, {
      maxGaloisSteps: this.maxGaloisSteps,
      ...(options.maxBytes === undefined ? {} : { maxBytes: options.maxBytes }),
    });
    try {
      requireKeys(this.spec, keys);
    } catch (e) {
      keys.delete();
      throw e;
    }
    return keys;
  }

  /** SEAL payload bytes of the largest request. */
  abstract get requestBytes(): number;
  /** SEAL heap one evaluation of `queries` queries holds. */
  abstract heapBytes(queries: number): number;
  /** Evaluates one request. */
  abstract evaluate(
    request: Uint8Array,
    keys: EvaluationKeys | null,
    options: EvaluateOptions,
  ): Promise<PlanOutput>;

  /** Frees the plan's SEAL objects. */
  close(): void {
    this.ctx.delete();
  }

  /** Frees at scope exit with `using`. */
  [Symbol.dispose](): void {
    this.close();
  }
}

/** Ciphertexts of scratch space SEAL's operations (multiply, rotate, square) may hold. */
const SCRATCH_CIPHERTEXTS = 8;

/**
 * A server half whose requests carry one ciphertext per query and whose answers hold one
 * ciphertext per query (the CKKS plans, the BFV slot plans): its request size and heap follow from
 * the ciphertext size alone, and {@linkcode QueryCiphertextPlanServer.evaluateQueries} runs the
 * per-query loop.
 */
export abstract class QueryCiphertextPlanServer<
  S extends PlanSpec,
  C extends SealContexts & { delete(): void },
  H extends { delete(): void },
> extends SealPlanServer<S, C> {
  /**
   * @param spec the plan instance
   * @param ctx its SEAL contexts (owned: freed by `close()`)
   * @param head the head prepared for evaluation in `ctx` (owned: freed by `close()`)
   */
  constructor(spec: S, ctx: C, protected readonly head: H) {
    super(spec, ctx);
  }

  /** SEAL payload bytes of the largest request: one ciphertext per query and modulus. */
  get requestBytes(): number {
    return this.ctx.moduli.length * this.spec.cost.maxQueries *
      ciphertextBytes(this.ctx.params, 2);
  }

  /** Inputs and results of `queries` queries plus SEAL's scratch, at three components each. */
  heapBytes(queries: number): number {
    return (2 * queries + SCRATCH_CIPHERTEXTS) * ciphertextBytes(this.ctx.params, 3);
  }

  /**
   * Unpacks a request's query ciphertexts, answers each with `apply` (then `finish` on the answer,
   * which is freed with the others if `finish` throws), aborting with `signal` and yielding to the
   * event loop between queries (not after the last: a timer costs a millisecond or more), and
   * packs the answers. `stages.evaluate_ms` is the time inside `apply` and `finish`.
   */
  protected async evaluateQueries(
    body: Uint8Array,
    { signal, maxBytes }: EvaluateOptions,
    apply: (ct: Ciphertext) => Ciphertext,
    finish?: (answer: Ciphertext) => void,
  ): Promise<{ body: Uint8Array; queries: number; stages: StageTimes }> {
    const inputs = await unpackQueries(this.ctx, body, {
      maxQueries: this.spec.cost.maxQueries,
      maxBytes,
    });
    const results: Ciphertext[] = [];
    try {
      let evaluateMs = 0;
      for (const [i, ct] of inputs.entries()) {
        signal.throwIfAborted();
        const t = performance.now();
        const r = apply(ct);
        results.push(r);
        finish?.(r);
        evaluateMs += performance.now() - t;
        if (i + 1 < inputs.length) await new Promise((r) => setTimeout(r, 0));
      }
      const t = performance.now();
      const out = await packResults(this.ctx, {
        ciphertexts: [results],
        constants: results.map(() => 0n),
      }, inputs.length);
      const packMs = performance.now() - t;
      const stages = { evaluate_ms: evaluateMs, mask_ms: 0, flood_ms: 0, pack_ms: packMs };
      return { body: out, queries: inputs.length, stages };
    } finally {
      inputs.forEach((c) => c.delete());
      results.forEach((c) => c.delete());
    }
  }
  /** Frees the prepared head and the SEAL contexts. */
  override close(): void {
    this.head.delete();
    super.close();
  }
}
