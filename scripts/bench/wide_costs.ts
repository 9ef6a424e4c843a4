/**
 * Unit costs of the SEAL operations the wide BFV plan performs, measured in the benchmark's own
 * run (same machine load) on the plan's own context and keys: rotations (rows, columns), NTT-form
 * plaintext products, NTTs, additions, the square, a modulus switch and a batch encoding. The
 * floor of an evaluation is the sum of its operation counts times these costs.
 *
 * @module
 */
import { median } from "../../lib/report/mod.ts";
import type { PlanClient } from "../../lib/he-head/client.ts";
import type { EvaluationKeys } from "../../lib/he-head/server.ts";

/** Milliseconds per operation (medians), keyed like the plan's operation counts. */
export type WideUnitCosts = Record<
  | "rotate_rows"
  | "rotate_columns"
  | "multiply_plain_ntt"
  | "ntt"
  | "add"
  | "add_plain"
  | "square"
  | "mod_switch"
  | "encode",
  number
>;

/**
 * Measures each operation `max(repeats, 9)` times (after one warm-up) on a fresh encryption; the
 * medians of at least 9 runs stay meaningful on a loaded machine.
 */
export function measureWideUnitCosts(
  client: PlanClient,
  keys: EvaluationKeys,
  repeats: number,
): WideUnitCosts {
  const ctx = client.keys.ctx, seal = ctx.seal, context = ctx.moduli[0].context;
  const galois = keys.galois[0];
  if (!galois) throw new Error("expected the wide plan's Galois keys");
  const n = ctx.params.polyModulusDegree;
  const ev = new seal.Evaluator(context), encoder = new seal.BatchEncoder(context);
  const objects: { delete(): void }[] = [ev, encoder];
  const ct = () => {
    const c = new seal.Ciphertext();
    objects.push(c);
    return c;
  };
  const pt = () => {
    const p = new seal.Plaintext();
    objects.push(p);
    return p;
  };
  const time = (f: () => void) => {
    f();
    const ts: number[] = [];
    for (let i = 0; i < Math.max(repeats, 9); i++) {
      const t0 = performance.now();
      f();
      ts.push(performance.now() - t0);
    }
    return median(ts);
  };
  try {
    const slots = BigUint64Array.from({ length: n }, (_, i) => BigInt(i % 1000));
    const p = pt(), x = ct(), out = ct(), xn = ct(), pn = pt(), sq = ct(), sw = ct();
    encoder.encode(slots, p);
    client.keys.encryptor(0).encryptSymmetric(p, x);
    ev.cipherTransformToNtt(x, xn);
    encoder.encode(slots, pn);
    const id = context.firstParmsId();
    ev.plainTransformToNttInplace(pn, id);
    id.delete();
    ev.square(x, sq);
    return {
      rotate_rows: time(() => ev.rotateRows(x, 1, galois, out)),
      // One-lane layouts have no row-swap key (and perform no row swap).
      rotate_columns: client.spec.keys.galoisSteps.includes(0)
        ? time(() => ev.rotateColumns(x, galois, out))
        : 0,
      multiply_plain_ntt: time(() => ev.multiplyPlain(xn, pn, out)),
      ntt: time(() => ev.cipherTransformToNtt(x, out)),
      add: time(() => ev.add(x, x, out)),
      add_plain: time(() => ev.addPlain(x, p, out)),
      square: time(() => ev.square(x, out)),
      mod_switch: time(() => ev.cipherModSwitchToNext(sq, sw)),
      encode: time(() => encoder.encode(slots, p)),
    };
  } finally {
    objects.forEach((o) => o.delete());
  }
}

/** The floor: operation counts times unit costs. */
export function floorMs(ops: Partial<Record<keyof WideUnitCosts, number>>, c: WideUnitCosts) {
  return (Object.keys(c) as (keyof WideUnitCosts)[])
    .reduce((s, k) => s + (ops[k] ?? 0) * c[k], 0);
}
