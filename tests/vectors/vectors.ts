/**
 * The committed wire-protocol test vectors (issue 12): for every plan the function serves, a
 * request / keys / response triple made once from fixed features on the committed head
 * `tests/vectors/head.json`, with the secret key that decrypts the response and the expected
 * logits, in `tests/vectors/<plan name>/` (see `tests/vectors/README.md`). SEAL draws its
 * encryption randomness itself (node-seal has no seedable generator), so the vectors fix the
 * bytes rather than a seed: `generate.ts` writes them once, `vectors_test.ts` checks that the
 * current client and server still read, produce and accept exactly these bytes.
 *
 * @module
 */
import {
  compileModel,
  type Network,
  planOffered,
  type PlanSpec,
  type QuantizedModel,
} from "../../lib/he-head/mod.ts";
import { readModel } from "../../lib/model/mod.ts";
import { randomHead } from "../fixtures/random_model.ts";

/** The vectors' folder. */
export const VECTORS_DIR = new URL("./", import.meta.url);

/** The committed head every vector is made on. */
export const HEAD_FILE = new URL("./head.json", import.meta.url);

/**
 * The head `generate.ts` writes to `head.json` when it is missing: 2 features in [0, 255], 2
 * hidden units with the activation `x + x^2` (so relinearisation keys are needed), 2 classes;
 * its BFV plans get the demo head's parameters (two plaintext moduli, CRT).
 */
export function makeVectorHead(): QuantizedModel {
  const m = randomHead(41, 2, 2, 2, {
    activation: [{ m: 0, e: 0 }, { m: 1, e: 0 }, { m: 1, e: 0 }],
    inputMax: 255,
    maxExp: 3,
    sparsity: 0,
  });
  m.name = "wire-test-vectors";
  return m;
}

/** The committed head and its integer network. */
export async function vectorHead(): Promise<{ model: QuantizedModel; net: Network }> {
  const model = await readModel(HEAD_FILE);
  return { model, net: compileModel(model) };
}

/** Every served plan for the head (each `SERVED` entry that fits it): one vector each. */
export function vectorSpecs(net: Network): Promise<PlanSpec[]> {
  return planOffered(net);
}

/** Queries a vector carries: 2 where the plan takes several per request, else 1. */
export function vectorQueries(spec: PlanSpec): number {
  return Math.min(2, spec.cost.maxQueries);
}

/** The features of a vector (row-major, `queries x inputs`): fixed, one edge row. */
export function vectorFeatures(net: Network, queries: number): number[] {
  const edge = Array.from({ length: net.inputSize }, (_, i) => i % 2 ? net.inputMin : net.inputMax);
  const other = Array.from(
    { length: net.inputSize },
    (_, i) => (37 + 101 * i) % (net.inputMax + 1),
  );
  return [edge, other].slice(0, queries).flat();
}

/** What `<plan>/vector.json` holds. */
export interface VectorMeta {
  /** The plan's name (GET /v1/model `plans[i].name`) and its folder. */
  plan: string;
  kind: string;
  /** The plan this one is a variant of (flooded), or null. */
  variant_of: string | null;
  /** Whether decrypted logits are exact integers. */
  exact: boolean;
  params: unknown;
  params_hash: string;
  queries: number;
  /** Quantized input features, row-major (`queries x inputs`). */
  features: number[];
  /** The integer reference logits `[query][class]` (decimal strings). */
  logits: string[][];
  /** Logits are `logit * 2^-output_scale_log2` in model units. */
  output_scale_log2: number;
  /** Approximate plans: largest absolute error of a decrypted score (model units), else null. */
  error_bound: number | null;
  /**
   * Whether the server's answer to `request.bin` with `keys.bin` is always `response.bin`
   * (measured by the generator: two evaluations, compared byte for byte).
   */
  server_deterministic: boolean;
  /** The plan's circuit-privacy statement (GET /v1/model): what randomises its answers, if any. */
  circuit_privacy: string;
  /** Every file of the vector: size in bytes and hex SHA-256. */
  files: Record<string, { bytes: number; sha256: string }>;
}

/** A vector's files, by name. */
export function vectorFile(plan: string, name: string): URL {
  return new URL(`./${plan}/${name}`, VECTORS_DIR);
}

/** The secret key file of modulus `m`. */
export function secretKeyFile(m: number): string {
  return `secret_key.${m}.seal`;
}

/** Reads `<plan>/vector.json`. */
export async function readVector(plan: string): Promise<VectorMeta> {
  return JSON.parse(await Deno.readTextFile(vectorFile(plan, "vector.json"))) as VectorMeta;
}

/** Reads a vector's secret keys (one per plaintext modulus, as its `files` list them). */
export async function readSecretKeys(meta: VectorMeta): Promise<Uint8Array[]> {
  const moduli = Object.keys(meta.files).filter((n) => n.startsWith("secret_key.")).length;
  return await Promise.all(
    Array.from(
      { length: moduli },
      (_, m) => Deno.readFile(vectorFile(meta.plan, secretKeyFile(m))),
    ),
  );
}
