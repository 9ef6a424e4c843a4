/**
 * Makes one plan's test vector: fresh keys, the request for the vector's fixed features, the
 * server's answer (evaluated twice to see whether it is deterministic), checked by decrypting it
 * against the integer reference before anything is written.
 *
 * @module
 */
import { definition, evaluatePlain, type Network, type PlanSpec } from "../../lib/he-head/mod.ts";
import { openPlanClient } from "../../lib/he-head/client.ts";
import { preparePlanServer } from "../../lib/he-head/server.ts";
import { sha256Hex } from "../../lib/server/key_store.ts";
import {
  secretKeyFile,
  vectorFeatures,
  vectorFile,
  type VectorMeta,
  vectorQueries,
} from "./vectors.ts";

/** Largest envelope the generator reads back (bytes). */
const MAX_BYTES = 1 << 26;

/** Whether two byte arrays are equal. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * Whether decrypted scores or logits equal the reference: bit for bit for exact plans, within
 * `bound` (model units) otherwise. Returns a message naming the first difference, or null.
 */
export function compareLogits(
  got: { logits: bigint[][] | null; scores: number[][] },
  want: bigint[][],
  outputScaleLog2: number,
  bound: number | null,
): string | null {
  for (let q = 0; q < want.length; q++) {
    for (let c = 0; c < want[q].length; c++) {
      if (bound === null) {
        if (got.logits?.[q]?.[c] !== want[q][c]) {
          return `query ${q} class ${c}: expected logit ${want[q][c]}, received ${
            got.logits?.[q]?.[c]
          }`;
        }
      } else {
        const w = Number(want[q][c]) * 2 ** -outputScaleLog2;
        if (!(Math.abs(got.scores[q][c] - w) <= bound)) {
          return `query ${q} class ${c}: expected ${w} +- ${bound}, received ${got.scores[q][c]}`;
        }
      }
    }
  }
  return null;
}

/** Makes and writes the vector of `spec` into `tests/vectors/<plan>/`; returns its metadata. */
export async function makeVector(spec: PlanSpec, net: Network): Promise<VectorMeta> {
  const queries = vectorQueries(spec);
  const features = vectorFeatures(net, queries);
  const want = evaluatePlain(net, features, queries);
  const description = definition(spec.kind).describe(spec);
  const bound = description.exact ? null : description.error_bound ?? null;
  using client = await openPlanClient(spec);
  const request = await client.encrypt(features, queries);
  const keys = await client.evaluationKeys();
  using server = await preparePlanServer(spec, net);
  using loaded = keys ? await server.unpackKeys(keys, { check: true }) : null;
  const run = async () =>
    (await server.evaluate(request, loaded, {
      signal: AbortSignal.timeout(600_000),
      maxBytes: MAX_BYTES,
    })).body;
  const response = await run();
  const deterministic = sameBytes(response, await run());
  const got = await client.decrypt(response, queries);
  const off = compareLogits(got, want, net.outputScale, bound);
  if (off) throw new Error(`${spec.name}: the answer does not decrypt to the reference: ${off}`);
  const files: Record<string, Uint8Array> = { "request.bin": request, "response.bin": response };
  if (keys) files["keys.bin"] = keys;
  client.keys.ctx.moduli.forEach((_, m) => files[secretKeyFile(m)] = client.keys.saveSecretKey(m));
  await Deno.mkdir(vectorFile(spec.name, ""), { recursive: true });
  const listed: VectorMeta["files"] = {};
  for (const [name, bytes] of Object.entries(files)) {
    await Deno.writeFile(vectorFile(spec.name, name), bytes);
    listed[name] = { bytes: bytes.length, sha256: await sha256Hex(bytes) };
  }
  const meta: VectorMeta = {
    plan: spec.name,
    kind: spec.kind,
    variant_of: spec.variantOf,
    exact: description.exact,
    params: spec.params,
    params_hash: spec.hash,
    queries,
    features,
    logits: want.map((l) => l.map(String)),
    output_scale_log2: net.outputScale,
    error_bound: bound,
    server_deterministic: deterministic,
    circuit_privacy: description.circuit_privacy,
    files: listed,
  };
  await Deno.writeTextFile(
    vectorFile(spec.name, "vector.json"),
    JSON.stringify(meta, null, 2) + "\n",
  );
  return meta;
}
