/**
 * A SEAL CKKS context for a packed plan (one modulus chain, no plaintext modulus), with its
 * evaluator and encoder. It has the same shape as the BFV contexts where keys and envelopes are
 * concerned, so the wire format and key handling are shared.
 *
 * @module
 */
import type { CKKSEncoder } from "node-seal/dist/seal_throws.d.ts";
import { createSealContext, SingleSealContext } from "../../seal/context.ts";
import { loadSeal, sealCall } from "../../seal/runtime.ts";
import { type CkksParams, ckksPresetName, validateCkksParams } from "./ckks_params.ts";

/** CKKS context, evaluator and encoder. Free with `delete()` or `using`. */
export class CkksContext extends SingleSealContext<CkksParams, CKKSEncoder> {
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
    const coeff = sealCall(
      "CoeffModulus.Create",
      () => seal.CoeffModulus.Create(p.polyModulusDegree, Int32Array.from(p.coeffModulusBits)),
    );
    try {
      const context = createSealContext(seal, {
        scheme: "ckks",
        degree: p.polyModulusDegree,
        coeff,
        name: `CKKS parameters ${ckksPresetName(p)}`,
      });
      return new CkksContext(
        seal,
        p,
        context,
        new seal.Evaluator(context),
        new seal.CKKSEncoder(context),
      );
    } finally {
      coeff.delete();
    }
  }
}
