/**
 * The physical floor of the exact packed plan: the SEAL operations one `bfv_packed` evaluation
 * performs (one NTT of the query, per group an NTT-form plaintext multiplication and an inverse
 * NTT, the rotations, the additions, the answer's mask (encode and plaintext addition), the
 * modulus switch of the answer), each timed alone in the
 * plan's own context (medians), summed with the plan's operation counts. What the measured server
 * time adds beyond it is overhead (unpacking and checking the envelope, deflate, checksums,
 * JavaScript).
 *
 * @module
 */
import { BfvPackedContext } from "../../lib/he-head/schemes/bfv/packed_context.ts";
import { loadSeal } from "../../lib/he-head/seal/runtime.ts";
import { barChartSvg, median } from "../../lib/report/mod.ts";
import type { BfvPackedSpec } from "../../lib/he-head/plans/bfv_packed/plan.ts";

/** Unit costs (ms, medians) and the floor of one evaluation. */
export interface PackedFloor {
  /** Milliseconds per SEAL operation in the plan's context. */
  unit_ms: Record<string, number>;
  /** How many of each one evaluation performs. */
  counts: Record<string, number>;
  /** Sum of counts times unit costs (ms). */
  floor_ms: number;
}

function timed(f: () => void, repeats: number): number {
  for (let i = 0; i < 2; i++) f();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    f();
    times.push(performance.now() - t0);
  }
  return median(times);
}

/** Measures the floor of one evaluation of `spec` (`repeats` timings per operation). */
export async function packedFloor(spec: BfvPackedSpec, repeats: number): Promise<PackedFloor> {
  await loadSeal();
  using ctx = await BfvPackedContext.create(spec.params);
  const { seal, evaluator: ev, encoder } = ctx;
  const l = spec.extra.layout;
  const keygen = new seal.KeyGenerator(ctx.context);
  const secret = keygen.secretKey();
  const encryptor = new seal.Encryptor(ctx.context, keygen.createPublicKey(), secret);
  const keys = keygen.createGaloisKeysWithSteps(Int32Array.from([0, 1]));
  const parms = ctx.context.firstParmsId();
  const pt = new seal.Plaintext(), ptNtt = new seal.Plaintext(), ptMask = new seal.Plaintext();
  const ct = new seal.Ciphertext(), ctNtt = new seal.Ciphertext(), out = new seal.Ciphertext();
  const product = new seal.Ciphertext();
  try {
    const values = BigInt64Array.from({ length: l.slots }, (_, i) => BigInt((i * 7919) % 65536));
    encoder.encode(values, pt);
    ev.plainTransformToNtt(pt, parms, ptNtt);
    encryptor.encryptSymmetric(pt, ct);
    ev.cipherTransformToNtt(ct, ctNtt);
    ev.multiplyPlain(ctNtt, ptNtt, product);
    const unit = {
      to_ntt: timed(() => ev.cipherTransformToNtt(ct, out), repeats),
      multiply_plain_ntt: timed(() => ev.multiplyPlain(ctNtt, ptNtt, out), repeats),
      from_ntt: timed(() => ev.cipherTransformFromNtt(product, out), repeats),
      rotate_rows: timed(() => ev.rotateRows(ct, 1, keys, out), repeats),
      rotate_columns: timed(() => ev.rotateColumns(ct, keys, out), repeats),
      add: timed(() => ev.add(ct, ct, out), repeats),
      mod_switch: timed(() => ev.cipherModSwitchToNext(ct, out), repeats),
      mask: timed(() => {
        encoder.encode(values, ptMask);
        ev.addPlainInplace(ct, ptMask);
      }, repeats),
    };
    const counts = {
      to_ntt: 1,
      multiply_plain_ntt: l.groups,
      from_ntt: l.groups,
      rotate_rows: l.groups - 1 + l.finals.length,
      rotate_columns: Number(l.rowSwap),
      add: l.groups - 1 + l.finals.length + Number(l.rowSwap),
      mod_switch: spec.extra.responsePrimesDropped,
      mask: l.rowSwap ? 0 : 1,
    };
    const floor = Object.entries(counts).reduce(
      (a, [k, c]) => a + c * unit[k as keyof typeof unit],
      0,
    );
    return { unit_ms: unit, counts, floor_ms: floor };
  } finally {
    [pt, ptNtt, ptMask, ct, ctNtt, out, product, keys, encryptor, secret, keygen, parms].forEach((
      o,
    ) => o.delete());
  }
}

/** Bar chart of one run: CKKS packed and exact packed server times, and the exact plan's floor. */
export function packedChartSvg(ckksMs: number, exactMs: number, floorMs: number): string {
  return barChartSvg({
    title: "Single query on the demo head: server time (same run)",
    yLabel: "ms",
    groups: ["ckks_packed (approximate)", "bfv_packed (exact)", "bfv_packed floor (SEAL ops)"],
    series: [{ label: "ms (median)", values: [ckksMs, exactMs, floorMs], color: "#4878a8" }],
  });
}
