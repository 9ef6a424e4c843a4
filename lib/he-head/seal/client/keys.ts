/**
 * The client's keys: a secret key per plaintext modulus (never leaves the client), symmetric
 * encryption, decryption, and the keys the server needs (relinearisation, Galois keys for the
 * steps a plan uses, and for flooded plans the public key the server re-randomises answers
 * with), serialized in SEAL's seeded form to halve their size.
 *
 * @module
 */
import type {
  Decryptor,
  Encryptor,
  KeyGenerator,
  PublicKey,
  SecretKey,
} from "node-seal/dist/seal_throws.d.ts";
import type { HeContext } from "../../schemes/bfv/bfv_context.ts";
import type { SealContexts } from "../context.ts";
import { sealCall } from "../runtime.ts";

/** Which evaluation keys to make. */
export interface KeyOptions {
  /** Relinearisation keys (needed by any ciphertext multiplication). Default true. */
  relin?: boolean;
  /** Rotation steps (simd rows) for Galois keys. Default none. */
  galoisSteps?: number[];
  /** The public key (flooded plans re-randomise answers with it). Default false. */
  publicKey?: boolean;
  /**
   * Existing secret keys, one SEAL serialization per plaintext modulus (from
   * {@linkcode ClientKeys.saveSecretKey}), instead of fresh ones: test vectors decrypt committed
   * answers with them. The evaluation keys are still made afresh (SEAL draws their randomness).
   */
  secretKeys?: readonly Uint8Array[];
}

interface ModulusKeys {
  keygen: KeyGenerator;
  secret: SecretKey;
  publicKey: PublicKey;
  encryptor: Encryptor;
  decryptor: Decryptor;
}

/** Serialized evaluation keys of one plaintext modulus. */
export interface EvaluationKeyBytes {
  /** Seeded relinearisation keys, or null. */
  relin: Uint8Array | null;
  /** Seeded Galois keys, or null. */
  galois: Uint8Array | null;
  /** The public key, when asked for (seeded: half the size of a full one). */
  publicKey: Uint8Array | null;
}

/** Secret-key material for every plaintext modulus of a context. Free with `delete()`. */
export class ClientKeys<C extends SealContexts = HeContext> {
  private deleted = false;
  private constructor(
    readonly ctx: C,
    private readonly keys: ModulusKeys[],
    readonly evaluationKeys: EvaluationKeyBytes[],
  ) {}

  /** Generates fresh keys (and the serialized evaluation keys) for every modulus. */
  static generate<C extends SealContexts>(ctx: C, options: KeyOptions = {}): ClientKeys<C> {
    const seal = ctx.seal;
    const keys: ModulusKeys[] = [];
    const evaluationKeys: EvaluationKeyBytes[] = [];
    const given = options.secretKeys;
    if (given && given.length !== ctx.moduli.length) {
      throw new RangeError(
        `expected ${ctx.moduli.length} secret keys (one per plaintext modulus), received ${given.length}`,
      );
    }
    try {
      for (const [i, m] of ctx.moduli.entries()) {
        const keygen = given
          ? keygenFrom(ctx, m.context, given[i])
          : new seal.KeyGenerator(m.context);
        const secret = keygen.secretKey();
        const publicKey = keygen.createPublicKey();
        const encryptor = new seal.Encryptor(m.context, publicKey, secret);
        const decryptor = new seal.Decryptor(m.context, secret);
        keys.push({ keygen, secret, publicKey, encryptor, decryptor });
        let relin: Uint8Array | null = null, galois: Uint8Array | null = null;
        if (options.relin ?? true) {
          const s = sealCall("relin keys", () => keygen.createRelinKeysSerializable());
          relin = new Uint8Array(s.saveToArray(seal.ComprModeType.none));
          s.delete();
        }
        if (options.galoisSteps?.length) {
          const steps = Int32Array.from(options.galoisSteps);
          const s = sealCall(
            "galois keys",
            () => keygen.createGaloisKeysSerializableWithSteps(steps),
          );
          galois = new Uint8Array(s.saveToArray(seal.ComprModeType.none));
          s.delete();
        }
        let pk: Uint8Array | null = null;
        if (options.publicKey) {
          const s = sealCall("public key", () => keygen.createPublicKeySerializable());
          try {
            pk = new Uint8Array(s.saveToArray(seal.ComprModeType.none));
          } finally {
            s.delete();
          }
        }
        evaluationKeys.push({ relin, galois, publicKey: pk });
      }
    } catch (e) {
      keys.forEach(freeKeys);
      throw e;
    }
    return new ClientKeys(ctx, keys, evaluationKeys);
  }

  /** The symmetric encryptor of modulus `i`. */
  encryptor(i: number): Encryptor {
    return this.keys[i].encryptor;
  }

  /** The secret key of modulus `i`, serialized (SEAL, uncompressed): it never leaves the client. */
  saveSecretKey(i: number): Uint8Array {
    return new Uint8Array(this.keys[i].secret.saveToArray(this.ctx.seal.ComprModeType.none));
  }

  /** The decryptor of modulus `i`. */
  decryptor(i: number): Decryptor {
    return this.keys[i].decryptor;
  }

  /** Frees every SEAL object (idempotent). */
  delete(): void {
    if (this.deleted) return;
    this.deleted = true;
    this.keys.forEach(freeKeys);
  }

  /** Frees at scope exit with `using`. */
  [Symbol.dispose](): void {
    this.delete();
  }
}

/** A key generator around a serialized secret key (SEAL checks it against the context). */
function keygenFrom(
  ctx: SealContexts,
  context: SealContexts["moduli"][number]["context"],
  bytes: Uint8Array,
): KeyGenerator {
  const secret = new ctx.seal.SecretKey();
  try {
    sealCall("secret key", () => secret.loadFromArray(context, bytes));
    return new ctx.seal.KeyGenerator(context, secret);
  } finally {
    secret.delete();
  }
}

function freeKeys(k: ModulusKeys): void {
  k.decryptor.delete();
  k.encryptor.delete();
  k.publicKey.delete();
  k.secret.delete();
  k.keygen.delete();
}
