/**
 * Server side of the wide BFV plan: the rows' plaintext diagonals (NTT form, one set per
 * plaintext modulus) and the evaluation of one query: `c1 - 1` baby rotations, `c` plaintext
 * products in NTT form, `c2 - 1` giant rotations (Horner), `log2(L/H) + 1` rotate-and-adds, the
 * row bias, one square (degree-2 heads, not relinearised: the answer keeps three components),
 * and a mask that turns the answer into additive shares of the logits (each class's rows sum to
 * its logit, every other slot uniform). See `../wide_layout.ts` for the slots.
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
import type { Seal } from "../../../seal/runtime.ts";
import { sealCall } from "../../../seal/runtime.ts";
import { uniformBelow } from "./circuit_privacy.ts";
import { shareSlots } from "../slot_layout.ts";
import { biasSlots, diagonalSlots, reductionSteps, type WideLayout } from "../wide_layout.ts";
import type { WideRows } from "../wide_rows.ts";
import { type WideOpCounts, wideOpCounts } from "../wide_budget.ts";

/** What the evaluation needs of a BFV context with batching (one plaintext modulus). */
export interface WideContext {
  /** The SEAL module. */
  readonly seal: Seal;
  /** The SEAL context. */
  readonly context: SEALContext;
  /** Its evaluator. */
  readonly evaluator: Evaluator;
  /** Its batch encoder. */
  readonly encoder: BatchEncoder;
  /** The plaintext modulus. */
  readonly t: bigint;
}

/** Prepared plaintexts. */
interface Prepared {
  diagonals: (Plaintext | null)[][];
  bias: Plaintext | null;
}

/** The per-query mask: per class, `groups` shares of its constant; every other slot uniform. */
export function maskSlots(
  layout: WideLayout,
  groups: number,
  constants: readonly bigint[],
  t: bigint,
): BigUint64Array {
  const owned = constants.length * groups;
  const owner = (s: number) => (s < owned ? Math.floor(s / groups) : -1);
  return shareSlots(uniformBelow(t, layout.n), owner, constants, t);
}

/** The wide plan's prepared evaluation. Free with `delete()`. */
export class WideEvaluator {
  private constructor(
    private readonly ctx: WideContext,
    readonly layout: WideLayout,
    private readonly rows: WideRows,
    readonly square: boolean,
    readonly groups: number,
    private readonly prepared: Prepared,
    /** Operations of one evaluation. */
    readonly ops: WideOpCounts,
  ) {}

  private static encode(ctx: WideContext, v: ArrayLike<number>): Plaintext {
    const pt = new ctx.seal.Plaintext();
    try {
      sealCall("encode", () => ctx.encoder.encode(BigUint64Array.from(v, (x) => BigInt(x)), pt));
    } catch (e) {
      pt.delete();
      throw e;
    }
    return pt;
  }

  /** Encodes the diagonals (NTT form) and the row bias. */
  static create(
    ctx: WideContext,
    layout: WideLayout,
    rows: WideRows,
    options: { square: boolean; groups: number; drop: number },
  ): WideEvaluator {
    const prepared: Prepared = { diagonals: [], bias: null };
    let nonzero = 0;
    try {
      prepared.bias = WideEvaluator.encode(ctx, biasSlots(layout, rows.bias));
      for (let g = 0; g < layout.giant; g++) {
        prepared.diagonals.push([]);
        for (let b = 0; b < layout.baby; b++) {
          const slots = diagonalSlots(layout, rows.weights, g, b);
          const pt = slots ? WideEvaluator.encode(ctx, slots) : null;
          prepared.diagonals[g].push(pt);
          if (!pt) continue;
          nonzero++;
          const id = ctx.context.firstParmsId();
          try {
            sealCall("ntt", () => ctx.evaluator.plainTransformToNttInplace(pt, id));
          } finally {
            id.delete();
          }
        }
      }
    } catch (e) {
      freePrepared(prepared);
      throw e;
    }
    const giants = prepared.diagonals.filter((row) => row.some((p) => p)).length;
    const ops = wideOpCounts(layout, nonzero, giants, options.square, options.drop);
    return new WideEvaluator(ctx, layout, rows, options.square, options.groups, prepared, ops);
  }

  /** Milliseconds spent inside SEAL calls since the last {@linkcode WideEvaluator.evaluate}. */
  sealMs = 0;

  /** A SEAL call, timed into {@linkcode WideEvaluator.sealMs}. */
  private call<T>(what: string, f: () => T): T {
    const t0 = performance.now();
    try {
      return sealCall(what, f);
    } finally {
      this.sealMs += performance.now() - t0;
    }
  }

  /** The linear part: every slot `s` holds row `s mod H`'s inner product (caller frees it). */
  private linear(x: Ciphertext, keys: GaloisKeys): Ciphertext {
    const seal = this.ctx.seal, ev = this.ctx.evaluator, l = this.layout;
    const temps: Ciphertext[] = [];
    const fresh = () => {
      const c = new seal.Ciphertext();
      temps.push(c);
      return c;
    };
    let y: Ciphertext | null = null;
    try {
      // Baby steps: x rotated by 0..c1-1 (chained rotations by 1), each in NTT form.
      const babies: Ciphertext[] = [];
      let prev = x;
      for (let b = 0; b < l.baby; b++) {
        if (b > 0) {
          const r = fresh(), p = prev;
          this.call("rotate", () => ev.rotateRows(p, 1, keys, r));
          prev = r;
        }
        const n = fresh(), src = prev;
        this.call("ntt", () => ev.cipherTransformToNtt(src, n));
        babies.push(n);
      }
      // Giant steps by Horner: y = rot_c1(y) + sum_b diag[g][b] * baby[b], g from last to 0.
      const prod = fresh();
      for (let g = l.giant - 1; g >= 0; g--) {
        let acc: Ciphertext | null = null;
        for (const [b, pt] of this.prepared.diagonals[g].entries()) {
          if (!pt) continue;
          if (!acc) {
            acc = fresh();
            const a = acc;
            this.call("multiply plain", () => ev.multiplyPlain(babies[b], pt, a));
          } else {
            const a: Ciphertext = acc;
            this.call("multiply plain", () => ev.multiplyPlain(babies[b], pt, prod));
            this.call("add", () => ev.addInplace(a, prod));
          }
        }
        if (acc) {
          const a: Ciphertext = acc;
          this.call("ntt", () => ev.cipherTransformFromNttInplace(a));
        }
        if (y) {
          const cur: Ciphertext = y;
          this.call("rotate", () => ev.rotateRowsInplace(cur, l.baby, keys));
          if (acc) this.call("add", () => ev.addInplace(cur, acc!));
        } else if (acc) {
          y = acc;
          temps.splice(temps.indexOf(acc), 1);
        }
      }
      if (!y) throw new RangeError("the wide plan's rows are all zero");
      const tmp = fresh(), sum: Ciphertext = y;
      for (const step of reductionSteps(l)) {
        if (step === 0) this.call("rotate", () => ev.rotateColumns(sum, keys, tmp));
        else this.call("rotate", () => ev.rotateRows(sum, step, keys, tmp));
        this.call("add", () => ev.addInplace(sum, tmp));
      }
      this.call("add plain", () => ev.addPlainInplace(sum, this.prepared.bias!));
      return sum;
    } catch (e) {
      y?.delete();
      throw e;
    } finally {
      temps.forEach((c) => c.delete());
    }
  }

  /**
   * Evaluates one query, masks it, and switches the answer down (`ops.mod_switch` primes). Returns a new ciphertext
   * (the caller frees it and the input).
   */
  evaluate(x: Ciphertext, keys: GaloisKeys): Ciphertext {
    this.sealMs = 0;
    const drop = this.ops.mod_switch;
    const ev = this.ctx.evaluator;
    const lin = this.linear(x, keys);
    let result = lin;
    const mask = new this.ctx.seal.Plaintext();
    try {
      if (this.square) {
        result = new this.ctx.seal.Ciphertext();
        this.call("square", () => ev.square(lin, result));
      }
      const slots = maskSlots(this.layout, this.groups, this.rows.constants, this.ctx.t);
      this.call("encode", () => this.ctx.encoder.encode(slots, mask));
      this.call("add plain", () => ev.addPlainInplace(result, mask));
      for (let d = 0; d < drop; d++) {
        this.call("modulus switch", () => ev.cipherModSwitchToNextInplace(result));
      }
      return result;
    } catch (e) {
      if (result !== lin) result.delete();
      throw e;
    } finally {
      mask.delete();
      if (result !== lin) lin.delete();
    }
  }

  /** Frees every prepared plaintext (idempotent). */
  delete(): void {
    freePrepared(this.prepared);
  }
}

function freePrepared(p: Prepared): void {
  p.bias?.delete();
  p.bias = null;
  p.diagonals.flat().forEach((d) => d?.delete());
  p.diagonals.length = 0;
}
