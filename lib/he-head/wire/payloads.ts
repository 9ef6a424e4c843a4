/**
 * What travels in envelopes: a batch of encrypted inputs (client -> server), the client's
 * evaluation keys (client -> server) and encrypted results (server -> client). Packing and
 * unpacking check every entry against the parameters before SEAL sees it (SEAL header, size,
 * number of components, modulus level), so no malformed byte string reaches SEAL's allocator.
 *
 * @module
 */
import type { Ciphertext } from "node-seal/dist/seal_throws.d.ts";
import type { EncryptedOutputs } from "../seal/outputs.ts";
import { paramsHash } from "./params_hash.ts";
import type { SealContexts } from "../seal/context.ts";
import { sealCall, SealError } from "../seal/runtime.ts";
import {
  type Bytes,
  decodeEnvelope,
  encodeEnvelope,
  type EnvelopeEntry,
  EnvelopeError,
} from "./envelope.ts";
import { checkCiphertextBlob, checkKeyBlob, ciphertextShape } from "./seal_blob.ts";

const SEAL_HEADER = 16;

/** The ring and coefficient modulus of a parameter set (BFV or CKKS). */
export type WireParams = SealContexts["params"];

/** Bytes of a full (unseeded) ciphertext with `parts` components at the top data level. */
export function ciphertextBytes(p: WireParams, parts = 2): number {
  const k = p.coeffModulusBits.length - 1;
  return SEAL_HEADER + 32 + 1 + 8 * 3 + 16 + SEAL_HEADER + 8 + parts * k * p.polyModulusDegree * 8;
}

/** Bytes of a full relinearisation key set (or one Galois key) for the parameters. */
export function keySwitchKeyBytes(p: WireParams): number {
  const k = p.coeffModulusBits.length - 1;
  return 4096 + k * (2 * (k + 1) * p.polyModulusDegree * 8 + 256);
}

/** Limits for decoding; defaults derive from the parameters. */
export interface PayloadLimits {
  /** Largest envelope (bytes). */
  maxBytes?: number;
}

/** Packs encrypted inputs `[modulus][input]` (SEAL serializations) for `queries` queries. */
export async function packInputs(
  p: WireParams,
  inputs: Uint8Array[][],
  queries: number,
): Promise<Bytes> {
  const entries: EnvelopeEntry[] = [];
  inputs.forEach((row, modulus) =>
    row.forEach((bytes) => entries.push({ tag: "ciphertext", modulus, bytes }))
  );
  return await encodeEnvelope({
    kind: "ciphertexts",
    paramsHash: await paramsHash(p),
    moduli: inputs.length,
    count: inputs[0]?.length ?? 0,
    queries,
    entries,
  });
}

function loadCiphertext(
  ctx: SealContexts,
  e: EnvelopeEntry,
  what: string,
  maxParts: number,
  fresh = false,
): Ciphertext {
  // Every nested SEAL header and size, before SEAL allocates anything for it.
  checkCiphertextBlob(e.bytes, ciphertextShape(ctx.params, maxParts, fresh), what);
  const ct = new ctx.seal.Ciphertext();
  try {
    sealCall(what, () => ct.loadFromArray(ctx.moduli[e.modulus].context, e.bytes));
    if (ct.size() < 2 || ct.size() > maxParts) {
      throw new EnvelopeError(
        "malformed",
        `${what}: expected a ciphertext of 2..${maxParts} components, received ${ct.size()}`,
      );
    }
    if (fresh) {
      // A client's input is a fresh encryption: at the top level, at the encoding scale.
      const levels = ctx.params.coeffModulusBits.length - 1;
      if (ct.coeffModulusSize() !== levels) {
        throw new EnvelopeError(
          "malformed",
          `${what}: expected a ciphertext at the top level (${levels} primes), received ${ct.coeffModulusSize()}`,
        );
      }
      const scaleBits = (ctx.params as { scaleBits?: number }).scaleBits;
      const want = scaleBits === undefined ? 1 : 2 ** scaleBits;
      if (ct.scale() !== want) {
        throw new EnvelopeError(
          "malformed",
          `${what}: expected scale ${want}, received ${ct.scale()}`,
        );
      }
    }
  } catch (err) {
    ct.delete();
    if (err instanceof SealError) {
      // SEAL's own text stays in the server's log (the error's cause), not in the answer.
      throw new EnvelopeError(
        "malformed",
        `${what}: expected a ciphertext valid for these parameters, SEAL refused it`,
        { cause: err },
      );
    }
    throw err;
  }
  return ct;
}

/** Offsets of the envelope header's count fields, named in count-mismatch messages. */
const FIELD_OFFSETS = { moduli: 6, count: 40, queries: 44 } as const;

/** "header field count (offset 40) = 1, expected 48 (...)": names the field that was checked. */
function fieldMessage(field: keyof typeof FIELD_OFFSETS, value: number, expected: string): string {
  return `header field ${field} (offset ${FIELD_OFFSETS[field]}) = ${value}, expected ${expected}`;
}

/** The body's entry count against moduli x count (both header fields already checked). */
function entriesMessage(entries: number, moduli: number, count: number, what: string): string {
  return `body holds ${entries} entries, expected ${moduli * count} ` +
    `(header field moduli = ${moduli} x header field count = ${count} ${what})`;
}

/**
 * Unpacks encrypted inputs into SEAL ciphertexts `[modulus][input]` (caller frees them).
 *
 * @throws {EnvelopeError} for any malformed, foreign, truncated or oversized input, or a count
 * other than `inputs` per modulus.
 */
export async function unpackInputs(
  ctx: SealContexts,
  bytes: Uint8Array,
  expect: { inputs: number; maxQueries: number } & PayloadLimits,
): Promise<{ ciphertexts: Ciphertext[][]; queries: number }> {
  const p = ctx.params;
  const k = ctx.moduli.length;
  const perCt = ciphertextBytes(p, 2);
  const env = await decodeEnvelope(bytes, {
    kind: "ciphertexts",
    paramsHash: await paramsHash(p),
    maxBytes: expect.maxBytes ?? 2 * k * expect.inputs * perCt + 4096,
    maxBodyBytes: k * expect.inputs * (perCt + 8),
    maxEntryBytes: perCt,
  });
  if (env.moduli !== k) {
    throw new EnvelopeError("malformed", fieldMessage("moduli", env.moduli, `${k}`));
  }
  if (env.count !== expect.inputs) {
    throw new EnvelopeError(
      "malformed",
      fieldMessage("count", env.count, `${expect.inputs} (encrypted inputs per modulus)`),
    );
  }
  if (env.entries.length !== k * expect.inputs) {
    throw new EnvelopeError(
      "malformed",
      entriesMessage(env.entries.length, k, expect.inputs, "encrypted inputs"),
    );
  }
  if (env.queries < 1 || env.queries > expect.maxQueries) {
    throw new EnvelopeError(
      "malformed",
      fieldMessage("queries", env.queries, `1 to ${expect.maxQueries}`),
    );
  }
  const ciphertexts: Ciphertext[][] = Array.from({ length: k }, () => []);
  try {
    env.entries.forEach((e, i) => {
      const want = Math.floor(i / expect.inputs);
      if (e.tag !== "ciphertext" || e.modulus !== want) {
        throw new EnvelopeError(
          "malformed",
          `entry ${i}: expected a ciphertext of modulus ${want}, received a ${e.tag} of modulus ${e.modulus}`,
        );
      }
      ciphertexts[want].push(
        loadCiphertext(ctx, e, `input ${i % expect.inputs} (modulus ${want})`, 2, true),
      );
    });
  } catch (err) {
    ciphertexts.flat().forEach((c) => c.delete());
    throw err;
  }
  return { ciphertexts, queries: env.queries };
}

/**
 * Unpacks a batch of one-ciphertext queries (the packed plan: one modulus, one ciphertext per
 * query, at most `maxQueries`). Caller frees the ciphertexts.
 */
export async function unpackQueries(
  ctx: SealContexts,
  bytes: Uint8Array,
  expect: { maxQueries: number } & PayloadLimits,
): Promise<Ciphertext[]> {
  const count = bytes.length >= 44
    ? new DataView(bytes.buffer, bytes.byteOffset).getUint32(40, true)
    : 0;
  if (count < 1 || count > expect.maxQueries) {
    throw new EnvelopeError(
      "malformed",
      fieldMessage("count", count, `1 to ${expect.maxQueries} (one ciphertext per query)`),
    );
  }
  const { ciphertexts, queries } = await unpackInputs(ctx, bytes, { ...expect, inputs: count });
  if (queries !== count) {
    ciphertexts.flat().forEach((c) => c.delete());
    throw new EnvelopeError(
      "malformed",
      fieldMessage("queries", queries, `${count} (the count field: one ciphertext per query)`),
    );
  }
  return ciphertexts[0];
}

/** Packs encrypted results (server side); ciphertexts are serialized in full. */
export async function packResults(
  ctx: SealContexts,
  result: { ciphertexts: (Ciphertext | null)[][]; constants: bigint[] },
  queries: number,
): Promise<Bytes> {
  const entries: EnvelopeEntry[] = [];
  const none = ctx.seal.ComprModeType.none;
  result.ciphertexts.forEach((row, modulus) =>
    row.forEach((ct, j) => {
      const bytes = ct === null
        ? new TextEncoder().encode(result.constants[j].toString())
        : new Uint8Array(sealCall("save result", () => ct.saveToArray(none)));
      entries.push({ tag: ct === null ? "constant" : "ciphertext", modulus, bytes });
    })
  );
  return await encodeEnvelope({
    kind: "results",
    paramsHash: await paramsHash(ctx.params),
    moduli: ctx.moduli.length,
    count: result.constants.length,
    queries,
    entries,
  });
}

/**
 * Unpacks encrypted results (client side) into {@linkcode EncryptedOutputs} (caller frees the
 * ciphertexts).
 */
export async function unpackResults(
  ctx: SealContexts,
  bytes: Uint8Array,
  expect: { outputs: number } & PayloadLimits,
): Promise<EncryptedOutputs & { queries: number }> {
  const p = ctx.params;
  const k = ctx.moduli.length;
  const perCt = ciphertextBytes(p, 3);
  const env = await decodeEnvelope(bytes, {
    kind: "results",
    paramsHash: await paramsHash(p),
    maxBytes: expect.maxBytes ?? k * expect.outputs * perCt + 4096,
    maxBodyBytes: k * expect.outputs * (perCt + 8),
    maxEntryBytes: perCt,
  });
  if (env.moduli !== k) {
    throw new EnvelopeError("malformed", fieldMessage("moduli", env.moduli, `${k}`));
  }
  if (env.count !== expect.outputs) {
    throw new EnvelopeError(
      "malformed",
      fieldMessage("count", env.count, `${expect.outputs} (outputs per modulus)`),
    );
  }
  if (env.entries.length !== k * expect.outputs) {
    throw new EnvelopeError(
      "malformed",
      entriesMessage(env.entries.length, k, expect.outputs, "outputs"),
    );
  }
  const ciphertexts: (Ciphertext | null)[][] = Array.from({ length: k }, () => []);
  const constants = new Array<bigint>(expect.outputs).fill(0n);
  try {
    env.entries.forEach((e, i) => {
      const j = i % expect.outputs;
      if (e.modulus !== Math.floor(i / expect.outputs)) {
        throw new EnvelopeError("malformed", `entry ${i}: out of order`);
      }
      if (e.tag === "constant") {
        const text = new TextDecoder().decode(e.bytes);
        if (!/^-?\d{1,400}$/.test(text)) {
          throw new EnvelopeError("malformed", `entry ${i}: expected a decimal integer`);
        }
        constants[j] = BigInt(text);
        ciphertexts[e.modulus].push(null);
      } else if (e.tag === "ciphertext") {
        ciphertexts[e.modulus].push(
          loadCiphertext(ctx, e, `output ${j} (modulus ${e.modulus})`, 3),
        );
      } else throw new EnvelopeError("malformed", `entry ${i}: unexpected ${e.tag}`);
    });
  } catch (err) {
    ciphertexts.flat().forEach((c) => c?.delete());
    throw err;
  }
  return { ciphertexts, constants, queries: env.queries };
}

/** Packs the client's evaluation keys (relinearisation, Galois and public key, per modulus). */
export async function packKeys(
  p: WireParams,
  keys: { relin: Uint8Array | null; galois: Uint8Array | null; publicKey?: Uint8Array | null }[],
): Promise<Bytes> {
  const entries: EnvelopeEntry[] = [];
  keys.forEach((k, modulus) => {
    if (k.relin) entries.push({ tag: "relin-keys", modulus, bytes: k.relin });
    if (k.galois) entries.push({ tag: "galois-keys", modulus, bytes: k.galois });
    if (k.publicKey) entries.push({ tag: "public-key", modulus, bytes: k.publicKey });
  });
  return await encodeEnvelope({
    kind: "keys",
    paramsHash: await paramsHash(p),
    moduli: keys.length,
    count: 1,
    queries: 0,
    entries,
  });
}

/** Serialized keys of one plaintext modulus (null where not sent), checked but not loaded. */
export type KeyBlobs = {
  /** Relinearisation keys. */
  relin: Uint8Array | null;
  /** Galois keys. */
  galois: Uint8Array | null;
  /** The client's public key (flooded plans). */
  publicKey: Uint8Array | null;
};

/**
 * Decodes a keys envelope and checks every key blob's structure, without SEAL: one entry of each
 * kind per modulus at most, `count` 1 and `queries` 0 (keys have one spelling).
 *
 * @throws {EnvelopeError} for malformed, foreign, truncated or oversized keys.
 */
export async function decodeKeys(
  ctx: SealContexts,
  bytes: Uint8Array,
  limits: { maxGaloisSteps?: number } & PayloadLimits = {},
): Promise<KeyBlobs[]> {
  const p = ctx.params;
  const k = ctx.moduli.length;
  const perKey = keySwitchKeyBytes(p);
  const steps = limits.maxGaloisSteps ?? 32;
  const env = await decodeEnvelope(bytes, {
    kind: "keys",
    paramsHash: await paramsHash(p),
    maxBytes: limits.maxBytes ?? k * (1 + steps) * perKey,
    maxBodyBytes: k * (1 + steps) * perKey,
    maxEntryBytes: steps * perKey,
  });
  if (env.moduli !== k) {
    throw new EnvelopeError("malformed", fieldMessage("moduli", env.moduli, `${k}`));
  }
  if (env.count !== 1) {
    throw new EnvelopeError("malformed", fieldMessage("count", env.count, "1 (a keys envelope)"));
  }
  if (env.queries !== 0) {
    throw new EnvelopeError(
      "malformed",
      fieldMessage("queries", env.queries, "0 (a keys envelope)"),
    );
  }
  const keys = Array.from(
    { length: k },
    () => ({
      relin: null as Uint8Array | null,
      galois: null as Uint8Array | null,
      publicKey: null as Uint8Array | null,
    }),
  );
  const slots = {
    "relin-keys": "relin",
    "galois-keys": "galois",
    "public-key": "publicKey",
  } as const;
  env.entries.forEach((e, i) => {
    const slot = slots[e.tag as keyof typeof slots] ?? null;
    if (!slot) {
      throw new EnvelopeError("malformed", `entry ${i}: expected keys, received a ${e.tag}`);
    }
    if (keys[e.modulus][slot]) {
      throw new EnvelopeError(
        "malformed",
        `entry ${i}: duplicate ${e.tag} for modulus ${e.modulus}`,
      );
    }
    checkKeyBlob(p, e.tag, e.bytes, `${e.tag} (modulus ${e.modulus})`, steps);
    keys[e.modulus][slot] = e.bytes;
  });
  return keys;
}
