/**
 * The SEAL context of the wide BFV plan: a packed BFV context (one batching prime) whose
 * parameters, as the wire sees them, also carry the layout both sides agree on, so that the
 * envelopes' parameter hash names this plan and no other plan with the same ring and prime.
 *
 * @module
 */
import type { BatchEncoder, Evaluator, SEALContext } from "node-seal/dist/seal_throws.d.ts";
import type { SealContexts } from "../../seal/context.ts";
import type { Seal } from "../../seal/runtime.ts";
import { BfvPackedContext } from "./packed_context.ts";
import { type BfvPackedParams, validatePackedParams } from "./packed_params.ts";

/** What of the layout is hashed with the parameters. */
export interface WideIdentity {
  /** Inputs d. */
  readonly inputs: number;
  /** Rows (classes x rows per class). */
  readonly rows: number;
  /** Rows per class. */
  readonly groups: number;
  /** Batching rows holding distinct blocks (1 or 2). */
  readonly lanes: 1 | 2;
}

/** The parameters as envelopes carry them. */
export type WideWireParams = BfvPackedParams & { readonly wide: WideIdentity };

/** The wire parameters of a parameter set and layout. */
export function wideWireParams(p: BfvPackedParams, wide: WideIdentity): WideWireParams {
  const { inputs, rows, groups, lanes } = wide;
  return { ...p, wide: { inputs, rows, groups, lanes } };
}

/**
 * Checks wire parameters received from elsewhere (a description).
 *
 * @throws {TypeError} naming the field.
 */
export function validateWideParams(v: unknown): WideWireParams {
  const p = validatePackedParams(v);
  const w = (v as { wide?: Partial<WideIdentity> }).wide;
  const ok = (x: unknown) => Number.isInteger(x) && (x as number) >= 1 && (x as number) <= 1 << 16;
  if (
    !w || !ok(w.inputs) || !ok(w.rows) || !ok(w.groups) || w.rows! % w.groups! !== 0 ||
    (w.lanes !== 1 && w.lanes !== 2)
  ) {
    throw new TypeError(
      `wide BFV parameters: wide: expected {inputs, rows, groups, lanes} (positive integers, rows a multiple of groups, lanes 1 or 2), received ${
        JSON.stringify(w)
      }`,
    );
  }
  return wideWireParams(p, w as WideIdentity);
}

/** A packed BFV context seen through the wide plan's wire parameters. Free with `delete()`. */
export class WideSealContext implements SealContexts {
  private constructor(
    private readonly inner: BfvPackedContext,
    /** The wire parameters (hashed into every envelope). */
    readonly params: WideWireParams,
  ) {}

  /** Builds the context (SEAL validates the parameters). */
  static async create(p: WideWireParams): Promise<WideSealContext> {
    const params = validateWideParams(p);
    return new WideSealContext(await BfvPackedContext.create(params), params);
  }

  /** The SEAL module. */
  get seal(): Seal {
    return this.inner.seal;
  }
  /** The one SEAL context, as key and envelope code expects. */
  get moduli(): readonly { context: SEALContext }[] {
    return this.inner.moduli;
  }
  /** The SEAL context. */
  get context(): SEALContext {
    return this.inner.context;
  }
  /** Its evaluator. */
  get evaluator(): Evaluator {
    return this.inner.evaluator;
  }
  /** Its batch encoder. */
  get encoder(): BatchEncoder {
    return this.inner.encoder;
  }
  /** The plaintext modulus. */
  get t(): bigint {
    return this.inner.t;
  }

  /** Frees SEAL's objects (idempotent). */
  delete(): void {
    this.inner.delete();
  }

  /** `using` frees it at scope exit. */
  [Symbol.dispose](): void {
    this.delete();
  }
}
