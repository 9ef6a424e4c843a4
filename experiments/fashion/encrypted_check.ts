/**
 * The encrypted head against the plaintext integer head: a sample of test features encrypted
 * with each plan the function would serve for the model, evaluated by the plan's real server
 * half on real SEAL ciphertexts, decrypted, and compared with the integer reference.
 *
 * @module
 */
import { openPlanClient } from "../../lib/he-head/client.ts";
import { argmax, evaluateFast, planOffered } from "../../lib/he-head/mod.ts";
import { preparePlanServer } from "../../lib/he-head/server.ts";
import { compileModel, type QuantizedModel } from "../../lib/model/mod.ts";

/** What one plan gave on the sample. */
export interface EncryptedCheck {
  /** Plan name. */
  plan: string;
  /** Whether the plan's logits are exact integers. */
  exact: boolean;
  /** Queries evaluated. */
  queries: number;
  /** Queries whose logits differ from the integer head's (exact plans; approximate: -). */
  logitMismatches: number | null;
  /** Queries whose arg-max differs from the integer head's. */
  argmaxMismatches: number;
  /** Correct predictions of the encrypted plan on the sample. */
  correct: number;
  /** Correct predictions of the integer head on the same sample. */
  plainCorrect: number;
}

/** `n` rows of `x` (and `y`) evenly spread over its `count` rows (every class, not the first). */
function spread(x: Int32Array, y: Int32Array, count: number, n: number, dim: number) {
  const rows = Array.from({ length: n }, (_, k) => Math.floor((k * count) / n));
  const xs = new Int32Array(n * dim);
  rows.forEach((r, k) => xs.set(x.subarray(r * dim, (r + 1) * dim), k * dim));
  return { x: xs, y: Int32Array.from(rows, (r) => y[r]) };
}

/**
 * Encrypts `all` rows of `x` (integer features, evenly spread over the split) with every
 * non-flooded plan offered for `model` (plans of one query per request: `singleQueries` rows, as
 * spread) and compares with {@linkcode evaluateFast}.
 */
export async function encryptedCheck(
  model: QuantizedModel,
  xAll: Int32Array,
  yAll: Int32Array,
  all: number,
  singleQueries = 20,
): Promise<EncryptedCheck[]> {
  const net = compileModel(model);
  const count = yAll.length;
  const out: EncryptedCheck[] = [];
  for (const spec of await planOffered(net)) {
    if (spec.variantOf !== null) continue;
    const queries = Math.min(count, spec.cost.maxQueries > 1 ? all : singleQueries);
    const { x, y } = spread(xAll, yAll, count, queries, net.inputSize);
    const want = evaluateFast(net, x, queries);
    using client = await openPlanClient(spec);
    using server = await preparePlanServer(spec, net);
    const keys = await client.evaluationKeys();
    const ek = keys === null ? null : await server.unpackKeys(keys, { check: true });
    const r: EncryptedCheck = {
      plan: spec.name,
      exact: false,
      queries: 0,
      logitMismatches: 0,
      argmaxMismatches: 0,
      correct: 0,
      plainCorrect: 0,
    };
    for (let q = 0; q < queries; q += spec.cost.maxQueries) {
      const n = Math.min(spec.cost.maxQueries, queries - q);
      const request = await client.encrypt(
        x.subarray(q * net.inputSize, (q + n) * net.inputSize),
        n,
      );
      const signal = new AbortController().signal;
      const response = await server.evaluate(request, ek, { signal, maxBytes: request.length });
      const d = await client.decrypt(response.body, n);
      r.exact = d.exact;
      for (let i = 0; i < n; i++) {
        const k = q + i;
        if (d.logits) {
          if (d.logits[i].some((v, c) => v !== want[k][c])) r.logitMismatches!++;
        } else r.logitMismatches = null;
        const p = d.scores[i].indexOf(Math.max(...d.scores[i]));
        if (p !== argmax(want[k])) r.argmaxMismatches++;
        if (p === y[k]) r.correct++;
        if (argmax(want[k]) === y[k]) r.plainCorrect++;
      }
      r.queries += n;
    }
    ek?.[Symbol.dispose]();
    out.push(r);
  }
  return out;
}
