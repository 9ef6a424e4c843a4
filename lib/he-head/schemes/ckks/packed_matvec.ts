/**
 * A CKKS matrix-vector product on packed slots (the hybrid diagonal method with baby-step /
 * giant-step rotations), the building block of packed networks.
 *
 * Layout: an input vector of length <= N sits in slots repeated with period N (a power of two
 * dividing the slot count). The product with an `rows x N` matrix (rows padded to a power of two
 * m <= N) leaves output r in every slot s with s mod m = r: again a periodic layout, with period
 * m, so products chain without masking. Several inputs can be summed in one product (`sum_j M_j
 * x_j`, sharing the giant steps and the final sums). All-zero diagonals are skipped.
 *
 * Without a {@linkcode RotationSchedule} every rotation is by its own amount (one Galois key
 * each: the baby steps, the giant steps and the folds). With one, the baby steps are a chain of
 * rotations by 1, the giant steps Horner chains by `B` (and by `N - B` for the groups from
 * `split` on, which equals a rotation by `-B` on N-periodic slots), and every amount is composed
 * of the schedule's key steps: the same number of rotations from far fewer keys.
 *
 * @module
 */
import type { Ciphertext, GaloisKeys, Plaintext } from "node-seal/dist/seal_throws.d.ts";
import type { HopCounts } from "../../engine/hops.ts";
import { sealCall } from "../../seal/runtime.ts";
import type { CkksContext } from "./ckks_context.ts";

/** A real matrix given by its rows (`cols <= period`). */
export interface RealMatrix {
  /** Rows. */
  rows: number;
  /** Columns. */
  cols: number;
  /** Row-major values. */
  values: Float64Array;
}

/** The smallest power of two `>= x` (1 for `x <= 1`). */
export const pow2AtLeast = (x: number): number => 2 ** Math.ceil(Math.log2(Math.max(1, x)));

/** Geometry of one packed product. */
export interface MatVecGeometry {
  /** Input period N. */
  period: number;
  /** Output period m (power of two >= rows, <= N). */
  stride: number;
  /** Baby steps. */
  baby: number;
  /** Giant steps. */
  giant: number;
  /** Rotation steps used. */
  steps: number[];
}

/** The geometry of an `rows x cols` product on inputs of period `period`. */
export function matVecGeometry(rows: number, period: number): MatVecGeometry {
  const stride = pow2AtLeast(rows);
  if (stride > period) throw new RangeError(`expected at most ${period} rows, received ${rows}`);
  const baby = 2 ** Math.ceil(Math.log2(stride) / 2);
  const giant = stride / baby;
  const steps: number[] = [];
  for (let b = 1; b < baby; b++) steps.push(b);
  for (let g = 1; g < giant; g++) steps.push(g * baby);
  for (let s = stride; s < period; s *= 2) steps.push(s);
  return { period, stride, baby, giant, steps };
}

/** How a product's rotations are made from few Galois keys (see the module doc). */
export interface RotationSchedule {
  /** Baby steps B (a power of two dividing the stride); giant steps are `stride / B`. */
  readonly baby: number;
  /** Giant groups `g >= split` rotate by `(g - G) B` (only when the stride is the period). */
  readonly split: number;
  /** The key steps each rotation amount used is composed of. */
  readonly paths: ReadonlyMap<number, readonly number[]>;
}

/**
 * A packed product `sum_j M_j x_j` (all `M_j` of the same shape). Diagonal plaintexts are encoded
 * on first use at the level and scale of the inputs met, then reused. Free with `delete()`.
 */
export class PackedMatVec {
  /** The slot geometry of the products. */
  readonly geometry: MatVecGeometry;
  /** `diagonals[j][g][b]` values; null where all-zero. */
  private readonly values: (Float64Array | null)[][][];
  /** The largest baby step with a nonzero diagonal. */
  private readonly lastBaby: number;
  private plain: (Plaintext | null)[][][] | null = null;
  private plainKey = "";

  /**
   * Creates a {@linkcode PackedMatVec}.
   *
   * @param ctx the CKKS context
   * @param matrices the matrices, one per stage
   * @param period the input's period in the slots
   * @param schedule how rotations are made from few keys (default: one key per amount)
   */
  constructor(
    readonly ctx: CkksContext,
    readonly matrices: RealMatrix[],
    period: number,
    readonly schedule: RotationSchedule | null = null,
  ) {
    const rows = matrices[0].rows;
    for (const M of matrices) {
      if (M.rows !== rows || M.cols > period) {
        throw new RangeError(
          `expected ${rows} x <=${period} matrices, received ${M.rows} x ${M.cols}`,
        );
      }
    }
    const geometry = matVecGeometry(rows, period);
    if (schedule) {
      const { baby } = schedule;
      if (!Number.isInteger(Math.log2(baby)) || baby > geometry.stride) {
        throw new RangeError(
          `expected a power-of-two baby step <= ${geometry.stride}, received ${baby}`,
        );
      }
      geometry.baby = baby;
      geometry.giant = geometry.stride / baby;
      geometry.steps = [...new Set([...schedule.paths.values()].flat())].sort((a, b) => a - b);
    }
    this.geometry = geometry;
    const { stride: m, baby: B, giant: G } = this.geometry;
    const slots = ctx.slots;
    this.values = matrices.map((M) => {
      const at = (
        r: number,
        c: number,
      ) => (r < M.rows && c < M.cols ? M.values[r * M.cols + c] : 0);
      return Array.from({ length: G }, (_, g) =>
        Array.from({ length: B }, (_, b) => {
          const i = g * B + b;
          const d = new Float64Array(slots);
          let any = false;
          for (let s = 0; s < slots; s++) {
            // D'[s] = D_i[s - gB], D_i[u] = M[u mod m][(u + i) mod N].
            const u = (((s - g * B) % slots) + slots) % slots;
            d[s] = at(u % m, (u + i) % period);
            if (d[s] !== 0) any = true;
          }
          return any ? d : null;
        }));
    });
    this.lastBaby = Math.max(
      0,
      ...this.values.flatMap((per) => per.flatMap((row) => row.map((d, b) => (d ? b : 0)))),
    );
  }

  /** Number of nonzero diagonals (plaintext multiplications per evaluation). */
  get multiplications(): number {
    return this.values.flat(2).filter((d) => d !== null).length;
  }

  /** The diagonals of every matrix at `scale`, null where all-zero. */
  private plaintexts(inputs: readonly Ciphertext[], scale: number): (Plaintext | null)[][][] {
    const key = inputs.map((c) => `${c.coeffModulusSize()}/${c.scale()}`).join(",") + `@${scale}`;
    if (this.plain && this.plainKey === key) return this.plain;
    this.freePlain();
    const { seal, encoder, evaluator } = this.ctx;
    const plain: (Plaintext | null)[][][] = this.values.map((per) =>
      per.map((row) => row.map(() => null))
    );
    this.plain = plain;
    this.plainKey = key;
    this.values.forEach((per, j) => {
      // Every product must end at `scale`, whatever the input's own scale.
      const s = scale / inputs[j].scale();
      per.forEach((row, g) =>
        row.forEach((d, b) => {
          if (!d) return;
          const pt = new seal.Plaintext();
          plain[j][g][b] = pt;
          sealCall("encode diagonal", () => encoder.encode(d, s, pt));
          sealCall("mod switch diagonal", () =>
            evaluator.plainModSwitchToInplace(pt, inputs[j].parmsId()));
        })
      );
    });
    return plain;
  }

  /** Frees the cached diagonals. */
  private freePlain(): void {
    this.plain?.flat(2).forEach((p) => p?.delete());
    this.plain = null;
  }

  /**
   * `sum_j M_j x_j` for inputs at one level; products are brought to `scale` (pass the square of
   * the encoding scale to rescale to about it next). Returns a new ciphertext (not rescaled).
   */
  // long: babies, giant groups and folds share the one list that frees every temporary
  apply(
    inputs: readonly Ciphertext[],
    keys: GaloisKeys,
    scale: number,
    hops: HopCounts,
  ): Ciphertext {
    if (inputs.length !== this.matrices.length) {
      throw new RangeError(`expected ${this.matrices.length} inputs, received ${inputs.length}`);
    }
    const { seal, evaluator: ev } = this.ctx;
    const { baby: B, giant: G, stride: m, period: N } = this.geometry;
    const sched = this.schedule;
    const plain = this.plaintexts(inputs, scale);
    const live: Ciphertext[] = [];
    const fresh = () => {
      const c = new seal.Ciphertext();
      live.push(c);
      return c;
    };
    const rotate = (from: Ciphertext, step: number) => {
      const to = fresh();
      sealCall("rotate", () => ev.rotateVector(from, step, keys, to));
      hops.rotate++;
      return to;
    };
    // An amount: one rotation by its own key, or the schedule's composition of key steps.
    const rotateBy = (from: Ciphertext, amount: number) => {
      if (!sched) return rotate(from, amount);
      const path = sched.paths.get(amount);
      if (!path) throw new RangeError(`the rotation schedule has no path for step ${amount}`);
      return path.reduce(rotate, from);
    };
    const add = (a: Ciphertext | null, b: Ciphertext | null) => {
      if (!a || !b) return a ?? b;
      ev.addInplace(a, b);
      hops.add++;
      return a;
    };
    try {
      const top = sched ? this.lastBaby : B - 1;
      const babies = inputs.map((x) => {
        const out: Ciphertext[] = [x];
        for (let b = 1; b <= top; b++) out.push(sched ? rotateBy(out[b - 1], 1) : rotate(x, b));
        return out;
      });
      const product = fresh();
      const accs = Array.from({ length: G }, (_, g) => {
        let acc: Ciphertext | null = null;
        plain.forEach((per, j) =>
          per[g].forEach((pt, b) => {
            if (!pt) return;
            const into: Ciphertext = acc ? product : fresh();
            sealCall("multiplyPlain", () => ev.multiplyPlain(babies[j][b], pt, into));
            hops.plain_mul_dense++;
            acc = add(acc, into);
          })
        );
        return acc as Ciphertext | null;
      });
      let total: Ciphertext | null = null;
      if (!sched) {
        accs.forEach((acc, g) => (total = add(total, acc && g > 0 ? rotate(acc, g * B) : acc)));
      } else {
        // Horner: sum_e items[e] rotated by e * amount, one rotation per e.
        const horner = (items: (Ciphertext | null)[], amount: number) =>
          items.reduceRight<Ciphertext | null>(
            (h, item) => add(h && rotateBy(h, amount), item),
            null,
          );
        const up = horner(accs.slice(0, sched.split), B);
        const down = horner([null, ...accs.slice(sched.split).reverse()], N - B);
        total = add(up, down);
      }
      if (!total) throw new RangeError("the matrix has no nonzero entry");
      const t: Ciphertext = total;
      for (let s = m; s < N; s *= 2) add(t, rotateBy(t, s));
      for (const c of live) if (c !== t) c.delete();
      return t;
    } catch (e) {
      for (const c of live) c.delete();
      throw e;
    }
  }

  /** Frees the encoded diagonals. */
  delete(): void {
    this.freePlain();
  }
}
