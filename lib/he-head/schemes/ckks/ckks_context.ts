/**
 * A SEAL CKKS context for a packed plan (one modulus chain, no plaintext modulus), with its
 * evaluator and encoder. It has the same shape as the BFV contexts where keys and envelopes are
 * concerned, so the wire format and key handling are shared.
 *
 * @module
 */
import type { CKKSEncoder, Evaluator, SEALContext } from "node-seal/dist/seal_throws.d.ts";
import type { SealContexts } from "../../seal/context.ts";
import { loadSeal, type Seal, sealCall } from "../../seal/runtime.ts";
import { type CkksParams, ckksPresetName, validateCkksParams } from "./ckks_params.ts";

/** CKKS context, evaluator and encoder. Free with `delete()` or `using`. */
export class CkksContext implements SealContexts {
  private deleted = false;
  /** The one SEAL context, in the shape key and envelope code expects. */
  readonly moduli: readonly { index: number; context: SEALContext }[];
  private constructor(
    readonly seal: Seal,
    readonly params: CkksParams,
    readonly context: SEALContext,
    readonly evaluator: Evaluator,
    readonly encoder: CKKSEncoder,
  ) {
    this.moduli = [{ index: 0, context }];
  }

  /** The preset name, e.g. `ckks_n4096_q44x26_s26`. */
  get name(): string {
    return ckksPresetName(this.params);
  }

  /** The encoding scale. */
  get scale(): number {
    return 2 ** this.params.scaleBits;
  }

  /** Number of slots (n / 2). */
  get slots(): number {
    return this.params.polyModulusDegree / 2;
  }

  /** Builds the context (SEAL validates the parameters too). */
  static async create(params: CkksParams): Promise<CkksContext> {
    const p = validateCkksParams(params);
    const { seal } = await loadSeal();
    const parms = new seal.EncryptionParameters(seal.SchemeType.ckks);
    const coeff = sealCall(
      "CoeffModulus.Create",
      () => seal.CoeffModulus.Create(p.polyModulusDegree, Int32Array.from(p.coeffModulusBits)),
    );
    try {
      parms.setPolyModulusDegree(p.polyModulusDegree);
      parms.setCoeffModulus(coeff);
      const context = sealCall(
        "SEALContext",
        () => new seal.SEALContext(parms, true, seal.SecLevelType.tc128),
      );
      if (!context.parametersSet()) {
        context.delete();
        throw new TypeError(`SEAL refuses the CKKS parameters ${ckksPresetName(p)}`);
      }
      return new CkksContext(
        seal,
        p,
        context,
        new seal.Evaluator(context),
        new seal.CKKSEncoder(context),
      );
    } finally {
      parms.delete();
      coeff.delete();
    }
  }

  /** Frees the SEAL objects (idempotent). */
  delete(): void {
    if (this.deleted) return;
    this.deleted = true;
    this.encoder.delete();
    this.evaluator.delete();
    this.context.delete();
  }

  /** Frees at scope exit with `using`. */
  [Symbol.dispose](): void {
    this.delete();
  }
}
