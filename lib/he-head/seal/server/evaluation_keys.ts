/**
 * Evaluation keys on the server side: loaded from the client's serialized bytes, checked against
 * the context by SEAL, and freed with the set. Flooded plans also need the client's public key
 * (to re-randomise answers with fresh encryptions of zero).
 *
 * @module
 */
import type { GaloisKeys, PublicKey, RelinKeys } from "node-seal/dist/seal_throws.d.ts";
import type { SealContexts } from "../context.ts";
import { sealCall } from "../runtime.ts";

/** Relinearisation, Galois and public keys for every plaintext modulus. Free with `delete()`. */
export class EvaluationKeys {
  private deleted = false;
  private constructor(
    readonly relin: (RelinKeys | null)[],
    readonly galois: (GaloisKeys | null)[],
    /** The client's public keys (null where absent). */
    readonly publicKeys: (PublicKey | null)[],
  ) {}

  /**
   * Loads serialized keys (one entry per modulus; null or absent where not sent).
   *
   * @throws {SealError} when SEAL rejects the bytes (malformed, or made for other parameters).
   */
  static load(
    ctx: SealContexts,
    keys: { relin: Uint8Array | null; galois: Uint8Array | null; publicKey?: Uint8Array | null }[],
  ): EvaluationKeys {
    if (keys.length !== ctx.moduli.length) {
      throw new RangeError(
        `expected keys for ${ctx.moduli.length} plaintext moduli, received ${keys.length}`,
      );
    }
    const relin: (RelinKeys | null)[] = [];
    const galois: (GaloisKeys | null)[] = [];
    const publicKeys: (PublicKey | null)[] = [];
    const seal = ctx.seal;
    try {
      keys.forEach((k, i) => {
        const m = ctx.moduli[i];
        if (k.relin) {
          const rk = new seal.RelinKeys();
          relin.push(rk);
          sealCall(
            `relinearization keys (modulus ${i})`,
            () => rk.loadFromArray(m.context, k.relin),
          );
        } else relin.push(null);
        if (k.galois) {
          const gk = new seal.GaloisKeys();
          galois.push(gk);
          sealCall(`Galois keys (modulus ${i})`, () => gk.loadFromArray(m.context, k.galois));
        } else galois.push(null);
        const pkBytes = k.publicKey;
        if (pkBytes) {
          const pk = new seal.PublicKey();
          publicKeys.push(pk);
          sealCall(`public key (modulus ${i})`, () => pk.loadFromArray(m.context, pkBytes));
        } else publicKeys.push(null);
      });
    } catch (e) {
      relin.forEach((k) => k?.delete());
      galois.forEach((k) => k?.delete());
      publicKeys.forEach((k) => k?.delete());
      throw e;
    }
    return new EvaluationKeys(relin, galois, publicKeys);
  }

  /** Frees the keys (idempotent). */
  delete(): void {
    if (this.deleted) return;
    this.deleted = true;
    this.relin.forEach((k) => k?.delete());
    this.galois.forEach((k) => k?.delete());
    this.publicKeys.forEach((k) => k?.delete());
  }

  /** Frees at scope exit with `using`. */
  [Symbol.dispose](): void {
    this.delete();
  }
}
