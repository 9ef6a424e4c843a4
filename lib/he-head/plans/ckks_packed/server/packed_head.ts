/**
 * Server side of the packed plan: the head's quadratic form as CKKS plaintext diagonals,
 * evaluated on one ciphertext per query with plaintext multiplications and rotations (only the
 * steps of the layout): no ciphertext multiplication, no relinearisation; one rescale at the end
 * halves the response.
 * All-zero diagonals are skipped.
 *
 * Every slot of an answer is a public function of the logits: slot `s` holds logit `s mod m`
 * (bias included) when `s mod m < C`, else 0, each with its CKKS error. (The diagonals and the
 * query repeat with the period, so the rotate-and-add sums give every slot a full row sum; the
 * biases are added with the same period.) What the answer does not hide is that error, which
 * depends on the weights: the plan is not circuit-private.
 *
 * Scaling: queries sit at `2^scaleBits` (values in [0, 1]), weights at `2^weightScaleBits`;
 * coefficient rows are divided by a public `outputFactor` chosen so that no slot can exceed the
 * headroom left below the modulus at any step (a slot accumulates at most one row's L1 norm).
 *
 * @module
 */
import type { Ciphertext, GaloisKeys, Plaintext } from "node-seal/dist/seal_throws.d.ts";
import { type HopCounts, zeroHops } from "../../../engine/hops.ts";
import { PACKED_SLOT_ERROR, packedDiagonal, packedHops, packedMatrix } from "../diagonals.ts";
import { sealCall } from "../../../seal/runtime.ts";
import type { CkksContext } from "../../../schemes/ckks/ckks_context.ts";
import type { PackedLayout } from "../../../schemes/ckks/packed_layout.ts";
import type { QuadraticForm } from "../../../schemes/ckks/quadratic_form.ts";

/** The packed head: plaintext diagonals ready for evaluation. Free with `delete()`. */
export class PackedHead {
  private constructor(
    readonly ctx: CkksContext,
    readonly layout: PackedLayout,
    readonly form: QuadraticForm,
    /** `diagonals[g][b]`, null where all-zero. */
    private readonly diagonals: (Plaintext | null)[][],
    /** Logits are `outputFactor` times the first `C` decrypted slots (public). */
    readonly outputFactor: number,
  ) {}

  /** Bound on the absolute error of every decrypted logit. */
  get errorBound(): number {
    return this.outputFactor * PACKED_SLOT_ERROR;
  }

  /** Encodes the diagonals of the form's coefficient matrix (pre-rotated for the giant steps). */
  static create(ctx: CkksContext, form: QuadraticForm, layout: PackedLayout): PackedHead {
    const M = packedMatrix(form, layout, ctx.params);
    const scale = 2 ** ctx.params.weightScaleBits;
    const diagonals: (Plaintext | null)[][] = [];
    try {
      for (let g = 0; g < layout.giant; g++) {
        const row: (Plaintext | null)[] = [];
        diagonals.push(row);
        for (let b = 0; b < layout.baby; b++) {
          const d = packedDiagonal(M, layout, g, b);
          if (!d) {
            row.push(null);
            continue;
          }
          const pt = new ctx.seal.Plaintext();
          row.push(pt);
          sealCall("encode diagonal", () => ctx.encoder.encode(d, scale, pt));
        }
      }
    } catch (e) {
      diagonals.flat().forEach((p) => p?.delete());
      throw e;
    }
    return new PackedHead(ctx, layout, form, diagonals, M.outputFactor);
  }

  /**
   * Evaluates one query ciphertext; returns a new ciphertext whose first `C` slots hold the
   * logits divided by `outputFactor`. The input stays owned by the caller.
   */
  evaluate(input: Ciphertext, keys: GaloisKeys): { result: Ciphertext; hops: HopCounts } {
    const { seal, evaluator: ev } = this.ctx;
    const { baby: B, giant: G, stride: m, period: P, slots, outputs } = this.layout;
    const hops = zeroHops();
    const live: Ciphertext[] = [];
    const fresh = () => {
      const c = new seal.Ciphertext();
      live.push(c);
      return c;
    };
    const rotate = (from: Ciphertext, step: number, to: Ciphertext) => {
      sealCall("rotate", () => ev.rotateVector(from, step, keys, to));
      hops.rotate++;
    };
    const addInto = (acc: Ciphertext, x: Ciphertext) => {
      ev.addInplace(acc, x);
      hops.add++;
    };
    try {
      const babies: Ciphertext[] = [input];
      for (let b = 1; b < B; b++) {
        const r = fresh();
        rotate(input, b, r);
        babies.push(r);
      }
      let total: Ciphertext | null = null;
      for (let g = 0; g < G; g++) {
        let acc: Ciphertext | null = null;
        const product = fresh();
        for (let b = 0; b < B; b++) {
          const pt = this.diagonals[g][b];
          if (!pt) continue;
          const into: Ciphertext = acc ?? fresh();
          sealCall("multiplyPlain", () => ev.multiplyPlain(babies[b], pt, acc ? product : into));
          hops.plain_mul_dense++;
          if (acc) addInto(acc, product);
          else acc = into;
        }
        if (!acc) continue;
        if (g > 0) {
          rotate(acc, g * B, product);
          acc = product;
        }
        if (total) addInto(total, acc);
        else total = acc;
      }
      if (!total) throw new RangeError("the packed head has no nonzero coefficient");
      const t: Ciphertext = total;
      const tmp = fresh();
      for (let s = m; s < P; s *= 2) {
        rotate(t, s, tmp);
        addInto(t, tmp);
      }
      // The constants, with the output period: every slot holding row k gets bias k.
      const plain = new Float64Array(slots);
      for (let s = 0; s < slots; s++) {
        const k = s % m;
        plain[s] = k < outputs
          ? Number(this.form.constants[k]) / 2 ** this.form.outputScale / this.outputFactor
          : 0;
      }
      const pt = new seal.Plaintext();
      try {
        sealCall("encode constants", () => this.ctx.encoder.encode(plain, t.scale(), pt));
        sealCall("addPlain", () => ev.addPlainInplace(t, pt));
        hops.add_plain++;
      } finally {
        pt.delete();
      }
      // Drop a prime: the response is half the size and every slot still fits (|v| < 2^15).
      sealCall("rescale", () => ev.rescaleToNextInplace(t));
      hops.rescale++;
      for (const c of live) if (c !== t) c.delete();
      return { result: t, hops };
    } catch (e) {
      for (const c of live) c.delete();
      throw e;
    }
  }

  /** The HOPs one evaluation spends (what `evaluate` reports), without running it. */
  hops(): HopCounts {
    return packedHops(
      this.layout,
      this.diagonals.map((row) => row.filter((d) => d !== null).length),
    );
  }

  /** Frees the diagonals. */
  delete(): void {
    this.diagonals.flat().forEach((p) => p?.delete());
  }
}
