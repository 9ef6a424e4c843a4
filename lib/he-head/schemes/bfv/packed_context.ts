/**
 * A SEAL BFV batching context for the packed plan (one plaintext modulus, a coefficient modulus
 * made with `CoeffModulus.Create`), with its evaluator and batch encoder. It has the shape key and
 * envelope code expects ({@linkcode SealContexts}) and what the slot product needs
 * ({@linkcode BatchingContext}).
 *
 * @module
 */
import type { BatchEncoder, Evaluator, SEALContext } from "node-seal/dist/seal_throws.d.ts";
import { type DataModulus, dataModulus, type SealContexts } from "../../seal/context.ts";
import { loadSeal, type Seal, sealCall } from "../../seal/runtime.ts";
import { type BfvPackedParams, packedPresetName, validatePackedParams } from "./packed_params.ts";

/** BFV context, evaluator and batch encoder. Free with `delete()` or `using`. */
export class BfvPackedContext implements SealContexts {
  private deleted = false;
  /** The one SEAL context, in the shape key and envelope code expects. */
  readonly moduli: readonly { index: number; context: SEALContext }[];
  private constructor(
    readonly seal: Seal,
    readonly params: BfvPackedParams,
    readonly context: SEALContext,
    readonly evaluator: Evaluator,
    readonly encoder: BatchEncoder,
    /** The data-level primes SEAL built. */
    readonly dataModulus: DataModulus,
    /** The special prime (keys only). */
    readonly specialPrime: bigint,
  ) {
    this.moduli = [{ index: 0, context }];
  }

  /** The plaintext modulus. */
  get t(): bigint {
    return BigInt(this.params.plainModulus);
  }

  /** The preset name. */
  get name(): string {
    return packedPresetName(this.params);
  }

  /** Builds the context (SEAL validates the parameters too). */
  static async create(params: BfvPackedParams): Promise<BfvPackedContext> {
    const p = validatePackedParams(params);
    const { seal } = await loadSeal();
    const parms = new seal.EncryptionParameters(seal.SchemeType.bfv);
    const coeff = sealCall(
      "CoeffModulus.Create",
      () => seal.CoeffModulus.Create(p.polyModulusDegree, Int32Array.from(p.coeffModulusBits)),
    );
    const t = new seal.Modulus(BigInt(p.plainModulus));
    try {
      parms.setPolyModulusDegree(p.polyModulusDegree);
      parms.setCoeffModulus(coeff);
      parms.setPlainModulus(t);
      const context = sealCall(
        "SEALContext",
        () => new seal.SEALContext(parms, true, seal.SecLevelType.tc128),
      );
      if (!context.parametersSet()) {
        context.delete();
        throw new TypeError(`SEAL refuses the packed BFV parameters ${packedPresetName(p)}`);
      }
      const evaluator = new seal.Evaluator(context);
      const encoder = new seal.BatchEncoder(context);
      const last = coeff.get(coeff.size() - 1)!;
      const special = last.value();
      last.delete();
      return new BfvPackedContext(
        seal,
        p,
        context,
        evaluator,
        encoder,
        dataModulus(context),
        special,
      );
    } finally {
      parms.delete();
      coeff.delete();
      t.delete();
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
