/**
 * Measures the median cost of each SEAL operation at each ring degree: the numbers behind the
 * planner's cost table (`lib/he-head/params/op_costs.ts`).
 *
 * @module
 */
import * as he from "../../lib/he-head/mod.ts";
import * as hc from "../../lib/he-head/client.ts";
import * as hs from "../../lib/he-head/server.ts";
import { formatTable, median } from "../../lib/report/mod.ts";

/** Milliseconds per operation by ring degree, plus encryption and decryption. */
export type MeasuredCosts = Record<number, he.OpCosts & { encrypt: number; decrypt: number }>;

/** Times `fn` `reps` times (after one warm-up) and returns the median milliseconds. */
function med(reps: number, fn: () => void): number {
  fn();
  const t: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    t.push(performance.now() - t0);
  }
  return median(t);
}

/** Measures every operation at each degree in `degrees` (default 4096, 8192, 16384). */
export async function measureOpCosts(
  options: { repeats: number; degrees?: number[]; log?: (s: string) => void },
): Promise<MeasuredCosts> {
  const out: MeasuredCosts = {};
  for (const n of options.degrees ?? [4096, 8192, 16384]) {
    const reps = Math.max(3, n >= 16384 ? options.repeats : options.repeats * 3);
    const params: he.HeParams = {
      scheme: "bfv",
      encoding: "simd",
      polyModulusDegree: n,
      coeffModulusBits: [...he.BFV_DEFAULT_COEFF_BITS[n]],
      plainModuli: [he.batchingPrimes(n, 30, 1)[0].toString()],
      securityLevel: 128,
    };
    using ctx = await he.HeContext.create(params);
    using keys = hc.ClientKeys.generate(ctx, { galoisSteps: [1] });
    using ek = hs.EvaluationKeys.load(ctx, keys.evaluationKeys);
    const m = ctx.moduli[0];
    const ev = m.evaluator;
    const seal = ctx.seal;
    const cache = new he.PlaintextCache(seal, m);
    const x = Int32Array.from({ length: n }, (_, i) => i % 1000);
    const [[a]] = hc.encryptInputs(keys, x, n, 1);
    const [[b]] = hc.encryptInputs(keys, x, n, 1);
    const o = new seal.Ciphertext();
    const sq = new seal.Ciphertext();
    ev.square(a, sq);
    const pt = new seal.Plaintext();
    const dense = cache.binary(0b10110101n);
    const mono = cache.monomial(5);
    const konst = cache.constant(12345n);
    try {
      const c: he.OpCosts & { encrypt: number; decrypt: number } = {
        add: med(reps, () => ev.add(a, b, o)),
        add_plain: med(reps, () => ev.addPlain(a, konst, o)),
        negate: med(reps, () => ev.negate(a, o)),
        plain_mul_single: med(reps, () => ev.multiplyPlain(a, mono, o)),
        plain_mul_dense: med(reps, () => ev.multiplyPlain(a, dense, o)),
        square: med(reps, () => ev.square(a, o)),
        multiply: med(reps, () => ev.multiply(a, b, o)),
        relin: med(reps, () => {
          const s3 = sq.copy();
          ev.relinearizeInplace(s3, ek.relin[0]!);
          s3.delete();
        }) - med(reps, () => sq.copy().delete()),
        rotate: med(reps, () => ev.rotateRows(a, 1, ek.galois[0]!, o)),
        encrypt: med(reps, () => keys.encryptor(0).encryptSymmetric(konst, o)),
        decrypt: med(reps, () => keys.decryptor(0).decrypt(a, pt)),
      };
      out[n] = c;
    } finally {
      [a, b, o, sq, pt].forEach((v) => v.delete());
      cache.delete();
    }
    options.log?.(`  measured op costs at n=${n}`);
  }
  const keys = Object.keys(out[Number(Object.keys(out)[0])]) as (keyof MeasuredCosts[number])[];
  options.log?.("\nSEAL BFV operation costs (median ms, one thread)");
  options.log?.(
    formatTable([[
      "op",
      ...Object.keys(out).map((n) => `n=${n}`),
    ], ...keys.map((k) => [k, ...Object.values(out).map((c) => c[k])])]),
  );
  return out;
}
