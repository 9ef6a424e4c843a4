/**
 * The server side of a BFV slot matrix-vector product (geometry in `../slot_layout.ts`): the
 * matrix's group plaintexts batch-encoded and moved to NTT form once, at start-up; per query one
 * NTT of the input, one NTT-form plaintext multiplication per group, and `G - 1` rotations by the
 * giant step (Horner), the rotate-and-add finals and the row swap. No ciphertext multiplication,
 * no relinearisation, no rotation before the multiplication.
 *
 * @module
 */
import type {
  BatchEncoder,
  Ciphertext,
  Evaluator,
  GaloisKeys,
  Plaintext,
  SEALContext,
} from "node-seal/dist/seal_throws.d.ts";
import type { HopCounts } from "../../../engine/hops.ts";
import { type Seal, sealCall } from "../../../seal/runtime.ts";
import { type SlotLayout, slotMatVecPlaintexts, zeroSumMask } from "../slot_layout.ts";
import { uniformBelow } from "./circuit_privacy.ts";

/** What the product needs of a BFV batching context. */
export interface BatchingContext {
  /** The SEAL module. */
  readonly seal: Seal;
  /** The SEAL context (top level: the inputs' level). */
  readonly context: SEALContext;
  /** Its evaluator. */
  readonly evaluator: Evaluator;
  /** Its batch encoder. */
  readonly encoder: BatchEncoder;
  /** The plaintext modulus. */
  readonly t: bigint;
}

/** A matrix ready to multiply encrypted slot vectors. Free with `delete()`. */
export class BfvSlotMatVec {
  private constructor(
    readonly ctx: BatchingContext,
    readonly layout: SlotLayout,
    /** NTT-form plaintexts per group, null where all-zero. */
    private readonly groups: (Plaintext | null)[],
  ) {}

  /**
   * Encodes the group plaintexts of `rows` (`C x N` integers) for `layout`.
   *
   * @param column the client's arrangement (default: the interleaved one)
   * @throws {RangeError} when the arrangement does not reach some nonzero entry.
   */
  static create(
    ctx: BatchingContext,
    rows: readonly (readonly bigint[])[],
    layout: SlotLayout,
    column?: (row: number, pos: number) => number,
  ): BfvSlotMatVec {
    const values = slotMatVecPlaintexts(rows, layout, ctx.t, column);
    const groups: (Plaintext | null)[] = [];
    const parms = ctx.context.firstParmsId();
    try {
      for (const v of values) {
        if (!v) {
          groups.push(null);
          continue;
        }
        const pt = new ctx.seal.Plaintext();
        groups.push(pt);
        sealCall("encode group", () => ctx.encoder.encode(v, pt));
        sealCall("group to NTT", () => ctx.evaluator.plainTransformToNttInplace(pt, parms));
      }
    } catch (e) {
      groups.forEach((p) => p?.delete());
      throw e;
    } finally {
      parms.delete();
    }
    return new BfvSlotMatVec(ctx, layout, groups);
  }

  /** Nonzero groups (plaintext multiplications per product). */
  get multiplications(): number {
    return this.groups.filter((g) => g !== null).length;
  }

  /**
   * `M x` for the encrypted arrangement `input` (coefficient form, left unchanged): a new
   * ciphertext (coefficient form) whose slots `s mod m = k` hold output `k` mod `t` (or, without
   * server sums, add up to it). `keys` may be null when the layout rotates nothing.
   */
  apply(input: Ciphertext, keys: GaloisKeys | null, hops?: HopCounts): Ciphertext {
    if (!keys && this.layout.galoisSteps.length > 0) {
      throw new Error(
        `the slot product needs Galois keys for steps ${this.layout.galoisSteps.join(", ")}`,
      );
    }
    const { seal, evaluator: ev } = this.ctx;
    const { giantStep, finals, rowSwap } = this.layout;
    const live: Ciphertext[] = [];
    const fresh = () => {
      const c = new seal.Ciphertext();
      live.push(c);
      return c;
    };
    const count = (k: keyof HopCounts) => hops && hops[k]++;
    try {
      const x = fresh();
      sealCall("input to NTT", () => ev.cipherTransformToNtt(input, x));
      let acc: Ciphertext | null = null;
      for (let g = this.groups.length - 1; g >= 0; g--) {
        if (acc) {
          const from: Ciphertext = acc;
          acc = fresh();
          sealCall("rotate", () => ev.rotateRows(from, giantStep, keys!, acc!));
          count("rotate");
        }
        const pt = this.groups[g];
        if (!pt) continue;
        const product = fresh();
        sealCall("multiplyPlain", () => ev.multiplyPlain(x, pt, product));
        count("plain_mul_dense");
        sealCall("from NTT", () => ev.cipherTransformFromNttInplace(product));
        if (acc) {
          ev.addInplace(acc, product);
          count("add");
        } else acc = product;
      }
      if (!acc) throw new RangeError("the matrix has no nonzero entry");
      const t: Ciphertext = acc;
      const tmp = fresh();
      for (const s of finals) {
        sealCall("rotate", () => ev.rotateRows(t, s, keys!, tmp));
        ev.addInplace(t, tmp);
        count("rotate");
        count("add");
      }
      if (rowSwap) {
        sealCall("rotate columns", () => ev.rotateColumns(t, keys!, tmp));
        ev.addInplace(t, tmp);
        count("rotate");
        count("add");
      }
      for (const c of live) if (c !== t) c.delete();
      return t;
    } catch (e) {
      for (const c of live) c.delete();
      throw e;
    }
  }

  /**
   * Adds, in place, a fresh mask whose slots are uniform mod `t` and sum to 0 over the classes of
   * every output (`zeroSumMask`, from `uniformBelow`: `crypto.getRandomValues`): for layouts
   * without server sums, whose slots then are additive shares of the outputs (no partial sums).
   */
  maskShares(result: Ciphertext, hops?: HopCounts): void {
    const { seal, encoder, evaluator, t } = this.ctx;
    const mask = zeroSumMask(this.layout, t, uniformBelow);
    const pt = new seal.Plaintext();
    try {
      sealCall("encode mask", () => encoder.encode(mask, pt));
      sealCall("add mask", () => evaluator.addPlainInplace(result, pt));
      if (hops) hops.add_plain++;
    } finally {
      pt.delete();
      mask.fill(0n);
    }
  }

  /** Frees the plaintexts. */
  delete(): void {
    this.groups.forEach((p) => p?.delete());
  }
}
