/**
 * SEAL contexts for a parameter set: one BFV context per plaintext modulus (a CRT plan runs the
 * circuit once per modulus), with its evaluator and, for simd, its batch encoder.
 *
 * @module
 */
import type { BatchEncoder, Evaluator, SEALContext } from "node-seal/dist/seal_throws.d.ts";
import { type HeParams, plainModuli, presetName, validateParams } from "./bfv_params.ts";
import { loadSeal, type Seal } from "../../seal/runtime.ts";
import { createSealContext, type DataModulus, dataModulus } from "../../seal/context.ts";

/** The SEAL objects of one plaintext modulus. */
export interface ModulusContext {
  /** Position of this modulus in `params.plainModuli`. */
  index: number;
  /** The plaintext modulus. */
  t: bigint;
  /** SEAL's context for this plaintext modulus. */
  context: SEALContext;
  /** SEAL's evaluator in that context. */
  evaluator: Evaluator;
  /** Present for the simd encoding. */
  encoder: BatchEncoder | null;
}

/** SEAL contexts for every plaintext modulus of a parameter set. Free with `using` or `delete()`. */
export class HeContext {
  private deleted = false;
  private constructor(
    readonly seal: Seal,
    readonly params: HeParams,
    readonly moduli: ModulusContext[],
    /** The data-level coefficient modulus (the same for every plaintext modulus). */
    readonly dataModulus: DataModulus,
  ) {}

  /** The preset name, e.g. `bfv_n4096_t22_poly`. */
  get name(): string {
    return presetName(this.params);
  }

  /** Ring degree n. */
  get degree(): number {
    return this.params.polyModulusDegree;
  }

  /**
   * Builds the contexts (validating the parameters and SEAL's own checks of them).
   *
   * @throws {TypeError} for malformed parameters; {@linkcode SealError} if SEAL refuses them.
   */
  static async create(params: HeParams): Promise<HeContext> {
    const p = validateParams(params);
    const { seal } = await loadSeal();
    const n = p.polyModulusDegree;
    const moduli: ModulusContext[] = [];
    try {
      plainModuli(p).forEach((t, index) => {
        const coeff = seal.CoeffModulus.BFVDefault(n, seal.SecLevelType.tc128);
        try {
          const context = createSealContext(seal, {
            scheme: "bfv",
            degree: n,
            coeff,
            plainModulus: t,
            name: `parameters ${presetName(p)} (plain modulus ${t})`,
          });
          const evaluator = new seal.Evaluator(context);
          const encoder = p.encoding === "simd" ? new seal.BatchEncoder(context) : null;
          moduli.push({ index, t, context, evaluator, encoder });
        } finally {
          coeff.delete();
        }
      });
      return new HeContext(seal, p, moduli, dataModulus(moduli[0].context));
    } catch (e) {
      for (const m of moduli) freeModulus(m);
      throw e;
    }
  }

  /** Frees every SEAL object (idempotent). */
  delete(): void {
    if (this.deleted) return;
    this.deleted = true;
    for (const m of this.moduli) freeModulus(m);
  }

  /** `using ctx = await HeContext.create(p)` frees it at scope exit. */
  [Symbol.dispose](): void {
    this.delete();
  }
}

function freeModulus(m: ModulusContext): void {
  m.encoder?.delete();
  m.evaluator.delete();
  m.context.delete();
}
