/**
 * A SEAL BFV batching context for the packed plan (one plaintext modulus, a coefficient modulus
 * made with `CoeffModulus.Create`), with its evaluator and batch encoder. It has the shape key and
 * envelope code expects ({@linkcode SealContexts}) and what the slot product needs
 * ({@linkcode BatchingContext}).
 *
 * @module
 */
import type { BatchEncoder, Evaluator, SEALContext } from "node-seal/dist/seal_throws.d.ts";
import {
  createSealContext,
  type DataModulus,
  dataModulus,
  SingleSealContext,
} from "../../seal/context.ts";
import { loadSeal, type Seal, sealCall } from "../../seal/runtime.ts";
import { type BfvPackedParams, packedPresetName, validatePackedParams } from "./packed_params.ts";

/** BFV context, evaluator and batch encoder. Free with `delete()` or `using`. */
export class BfvPackedContext extends SingleSealContext<BfvPackedParams, BatchEncoder> {
  private constructor(
    seal: Seal,
    params: BfvPackedParams,
    context: SEALContext,
    evaluator: Evaluator,
    encoder: BatchEncoder,
    /** The data-level primes SEAL built. */
    readonly dataModulus: DataModulus,
    /** The special prime (keys only). */
    readonly specialPrime: bigint,
  ) {
    super(seal, params, context, evaluator, encoder);
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
    const coeff = sealCall(
      "CoeffModulus.Create",
      () => seal.CoeffModulus.Create(p.polyModulusDegree, Int32Array.from(p.coeffModulusBits)),
    );
    try {
      const context = createSealContext(seal, {
        scheme: "bfv",
        degree: p.polyModulusDegree,
        coeff,
        plainModulus: BigInt(p.plainModulus),
        name: `packed BFV parameters ${packedPresetName(p)}`,
      });
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
      coeff.delete();
    }
  }
}
