/**
 * What every plan's client half does the same way over SEAL: generating the keys the plan needs,
 * packing its evaluation keys for POST /v1/keys, and freeing keys and contexts. Each plan's
 * `client.ts` extends {@linkcode SealPlanClient} with its encoding and decoding.
 *
 * @module
 */
import { ClientKeys } from "../../seal/client/keys.ts";
import type { SealContexts } from "../../seal/context.ts";
import type { Decrypted, DecryptOptions, OpenOptions, PlanClient } from "../client.ts";
import type { PlanSpec } from "../plan.ts";
import { packKeys } from "../../wire/payloads.ts";

/** Keys and contexts of one plan instance on the client. */
export abstract class SealPlanClient<
  S extends PlanSpec,
  C extends SealContexts & { delete(): void },
> implements PlanClient<S> {
  /** The secret-key material. */
  readonly keys: ClientKeys<C>;
  /** Milliseconds key generation took (the context's creation not included). */
  readonly keygenMs: number;

  /**
   * Generates the keys `spec` needs in `ctx` (owned: freed by `close()`, also when this throws),
   * around `options.secretKeys` when given.
   */
  constructor(readonly spec: S, protected readonly ctx: C, options: OpenOptions = {}) {
    try {
      const t = performance.now();
      this.keys = ClientKeys.generate(ctx, {
        relin: spec.keys.relin,
        galoisSteps: [...spec.keys.galoisSteps],
        publicKey: spec.keys.publicKey,
        secretKeys: options.secretKeys,
      });
      this.keygenMs = performance.now() - t;
    } catch (e) {
      ctx.delete();
      throw e;
    }
  }

  /** The keys envelope for POST /v1/keys, or null when the plan needs no evaluation keys. */
  async evaluationKeys(): Promise<Uint8Array | null> {
    if (!this.spec.cost.needsKeys) return null;
    return await packKeys(this.ctx.params, this.keys.evaluationKeys);
  }

  /** Encrypts `queries` rows of quantized features into a request envelope. */
  abstract encrypt(features: ArrayLike<number>, queries: number): Promise<Uint8Array<ArrayBuffer>>;
  /** Opens a results envelope. */
  abstract decrypt(
    response: Uint8Array,
    queries: number,
    options?: DecryptOptions,
  ): Promise<Decrypted>;

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
