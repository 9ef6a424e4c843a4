/**
 * Plaintexts with chosen coefficients. node-seal cannot parse polynomial strings, so plaintexts
 * are written in SEAL's own serialization layout and loaded: monomials `x^k` (a power-of-two
 * weight in the poly encoding), constants (any scalar in the simd encoding) and binary expansions
 * (a general integer in the poly encoding). A bounded cache keeps the ones in use.
 *
 * @module
 */
import type { Plaintext } from "node-seal/dist/seal_throws.d.ts";
import { setBits } from "../../../model/dyadic.ts";
import type { ModulusContext } from "./bfv_context.ts";
import { type Seal, sealCall } from "../../seal/runtime.ts";

const SEAL_MAGIC = 0xa15e;
const HEADER = 16;

function writeHeader(view: DataView, at: number, size: number): void {
  view.setUint16(at, SEAL_MAGIC, true);
  view.setUint8(at + 2, HEADER);
  view.setUint8(at + 3, 4); // SEAL 4.x
  view.setUint8(at + 4, 1);
  view.setUint8(at + 5, 0); // compr_mode_type::none
  view.setUint16(at + 6, 0, true);
  view.setBigUint64(at + 8, BigInt(size), true);
}

/**
 * SEAL's serialization of a (non-NTT) plaintext with the given coefficients, ascending degree,
 * each in `[0, t)`.
 */
export function plaintextBytes(coefficients: ArrayLike<bigint>): Uint8Array {
  const count = coefficients.length;
  const arraySize = HEADER + 8 + 8 * count;
  const total = HEADER + 32 + 8 + 8 + arraySize;
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  writeHeader(view, 0, total);
  // parms_id (32 zero bytes: not in NTT form) at 16..48
  view.setBigUint64(48, BigInt(count), true); // coeff_count
  view.setFloat64(56, 1, true); // scale
  writeHeader(view, 64, arraySize);
  view.setBigUint64(80, BigInt(count), true);
  for (let i = 0; i < count; i++) view.setBigUint64(88 + 8 * i, coefficients[i], true);
  return bytes;
}

/** Coefficients of `sign * |x|` in binary (coefficient `t - 1` stands for -1), reduced mod t. */
export function binaryCoefficients(x: bigint, t: bigint): bigint[] {
  const neg = x < 0n;
  const bits = setBits(x);
  const out = new Array<bigint>(bits.length ? bits[bits.length - 1] + 1 : 1).fill(0n);
  for (const b of bits) out[b] = neg ? t - 1n : 1n;
  return out;
}

/** A cache of plaintexts for one plaintext modulus; evicts (and frees) the oldest beyond `max`. */
export class PlaintextCache {
  private readonly cache = new Map<string, Plaintext>();
  /**
   * Creates a {@linkcode PlaintextCache}.
   *
   * @param ctx the BFV contexts
   * @param modulus the plaintext modulus' index
   */
  constructor(
    private readonly seal: Seal,
    private readonly mod: ModulusContext,
    private readonly max = 2048,
  ) {}

  /** The cached plaintext for `key`, encoded from `coefficients` on first use. */
  private get(key: string, coefficients: () => bigint[]): Plaintext {
    const hit = this.cache.get(key);
    if (hit) {
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit;
    }
    const pt = new this.seal.Plaintext();
    try {
      sealCall(
        "plaintext",
        () => pt.loadFromArray(this.mod.context, plaintextBytes(coefficients())),
      );
    } catch (e) {
      pt.delete();
      throw e;
    }
    this.cache.set(key, pt);
    if (this.cache.size > this.max) {
      const [oldKey, old] = this.cache.entries().next().value!;
      this.cache.delete(oldKey);
      old.delete();
    }
    return pt;
  }

  /** `x^k`. */
  monomial(k: number): Plaintext {
    return this.get(`m${k}`, () => {
      const c = new Array<bigint>(k + 1).fill(0n);
      c[k] = 1n;
      return c;
    });
  }

  /** The constant polynomial `c mod t` (every slot equal to `c` in batching). */
  constant(c: bigint): Plaintext {
    const t = this.mod.t;
    const r = ((c % t) + t) % t;
    return this.get(`c${r}`, () => [r]);
  }

  /** The binary expansion of `x` (evaluates to `x` at 2). */
  binary(x: bigint): Plaintext {
    return this.get(`b${x}`, () => binaryCoefficients(x, this.mod.t));
  }

  /** Frees every cached plaintext. */
  delete(): void {
    for (const pt of this.cache.values()) pt.delete();
    this.cache.clear();
  }
}
