/**
 * The committed envelope test vectors (issue 11: "the envelope bytes of a seeded request are
 * unchanged"): for each plan, a request envelope made once from fixed features on a fixed head
 * and saved as `tests/vectors/<kind>.bin`, with the parameters it was made for in
 * `<kind>.json`. SEAL's symmetric encryption draws its randomness inside SEAL (node-seal exposes
 * no seedable generator), so the vector fixes the SEAL blobs themselves; the test checks that
 * packing those blobs with the plan's parameters gives the committed bytes exactly and that the
 * server accepts them. `deno run -A tests/vectors/vectors.ts` remakes the files (only when the
 * wire format changes on purpose).
 *
 * @module
 */
import { compileModel, type PlanKind, PLANS, type QuantizedModel } from "../../lib/he-head/mod.ts";
import { openPlanClient } from "../../lib/he-head/client.ts";
import { randomHead, randomInputs } from "../fixtures/random_model.ts";

/** The head every vector is made on: 2 features, 2 hidden units, 2 classes, linear activation. */
export function vectorModel(kind: PlanKind): QuantizedModel {
  return randomHead(kind === "ckks_packed" ? 43 : 41, 2, 2, 2, {
    activation: [{ m: 0, e: 0 }, { m: 1, e: 0 }],
  });
}

/** What a vector's JSON holds. */
export interface VectorMeta {
  kind: PlanKind;
  params: unknown;
  params_hash: string;
  queries: number;
  features: number[];
}

/** The plans with a committed vector. */
export const VECTOR_KINDS: readonly PlanKind[] = ["bfv_poly", "bfv_simd", "ckks_packed"];

/** The files of a vector. */
export function vectorFiles(kind: PlanKind): { bin: URL; json: URL } {
  return {
    bin: new URL(`./${kind}.bin`, import.meta.url),
    json: new URL(`./${kind}.json`, import.meta.url),
  };
}

if (import.meta.main) {
  for (const kind of VECTOR_KINDS) {
    const net = compileModel(vectorModel(kind));
    const spec = (await PLANS[kind].plan(net))!;
    const queries = spec.cost.queriesPerEvaluation > 1 ? 2 : 1;
    const features = Array.from(
      randomInputs(7, queries, net.inputSize, net.inputMin, net.inputMax),
    );
    using client = await openPlanClient(spec);
    const bytes = await client.encrypt(features, queries);
    const files = vectorFiles(kind);
    await Deno.writeFile(files.bin, bytes);
    const meta: VectorMeta = {
      kind,
      params: spec.params,
      params_hash: spec.hash,
      queries,
      features,
    };
    await Deno.writeTextFile(files.json, JSON.stringify(meta, null, 2) + "\n");
    console.log(`${kind}: ${bytes.length} bytes (${spec.name})`);
  }
}
