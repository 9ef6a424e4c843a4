/**
 * What the server saw of a query: the envelope's header (magic, plan's parameter hash, counts)
 * and the first bytes of its first ciphertext, read with the library's own envelope decoder.
 *
 * @module
 */
import { decodeEnvelope } from "../../lib/he-head/wire/envelope.ts";

/** A summary of a query envelope, for people. */
export interface SeenQuery {
  /** One line: the envelope's size, entries, parameter hash. */
  summary: string;
  /** Bytes of the first ciphertext past its headers (SEAL's and the ciphertext's own). */
  cipherBytes: Uint8Array;
}

/** Past SEAL's and the ciphertext's headers (parms id, sizes, scale): coefficient data. */
const SKIP = 256;

const fromHex = (h: string) => Uint8Array.from(h.match(/../g) ?? [], (b) => parseInt(b, 16));

/** Reads the query envelope `bytes` made under parameters `paramsHash` (hex). */
export async function seenQuery(bytes: Uint8Array, paramsHash: string): Promise<SeenQuery> {
  const n = bytes.length;
  const e = await decodeEnvelope(bytes, {
    kind: "ciphertexts",
    paramsHash: fromHex(paramsHash),
    maxBytes: n,
    maxBodyBytes: 64 * n + 2 ** 20,
    maxEntryBytes: 64 * n + 2 ** 20,
  });
  const first = e.entries[0]?.bytes ?? new Uint8Array();
  return {
    summary: `${n} bytes: envelope "FCNE" for parameters ${paramsHash.slice(0, 12)}…, ` +
      `${e.entries.length} ciphertext(s) of ${first.length} bytes, ${e.queries} query; ` +
      `bytes ${SKIP}-${SKIP + 47} of the first ciphertext (its coefficients):`,
    cipherBytes: first.subarray(SKIP, SKIP + 48),
  };
}
