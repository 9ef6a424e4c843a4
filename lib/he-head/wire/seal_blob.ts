/**
 * Structural checks of SEAL 4.1 serializations before SEAL sees them. SEAL nests serialized
 * objects, each behind its own 16-byte header that may declare zlib or zstd compression, and
 * inflates a compressed one in full before reading it; it also reserves vectors of the sizes a
 * key set declares. So a small blob can make SEAL allocate gigabytes. These checks walk every
 * nested header and size (ciphertexts, public keys, relinearisation and Galois keys), require
 * compression "none" at every depth, the ring degree and number of primes of the plan, and
 * exact lengths, so what reaches SEAL is bounded by the bytes received. They also pin every
 * field that SEAL would accept in more than one spelling (minor version, reserved bytes, scale,
 * correction factor), so equal objects have equal bytes.
 *
 * Layouts (little-endian): header = magic `0xA15E` u16 | header size 16 u8 | major 4 u8 |
 * minor 1 u8 | compression u8 | reserved u16 | total size u64.
 * Ciphertext = header | parms id (32) | NTT form u8 | size u64 | degree u64 | primes u64 |
 * scale f64 | correction factor u64 | array (header | count u64 | count x u64) |
 * [seed (header | PRNG type u8 | 64 bytes), only when count = degree x primes].
 * Key-switching keys = header | parms id (32) | rows u64 | per row: keys u64 | keys x ciphertext.
 *
 * @module
 */
import { EnvelopeError } from "./envelope.ts";

const HEADER = 16;
const SEED = HEADER + 1 + 64;
const CT_META = 32 + 1 + 8 * 3 + 8 + 8;

/** What a serialized ciphertext (or public-key ciphertext) must look like. */
export interface CiphertextShape {
  polyModulusDegree: number;
  /** Exact number of primes, or the most allowed (results may sit at lower levels). */
  primes: number | { max: number };
  minParts: number;
  maxParts: number;
  /** NTT form: CKKS ciphertexts and all keys are in NTT form, BFV ciphertexts are not. */
  ntt: boolean;
  /** Required scale, or null for any finite positive scale. */
  scale: number | null;
  /** Whether SEAL's seeded form (the second polynomial as a 64-byte seed) is allowed or required. */
  seeded: "allow" | "require" | "forbid";
}

/** What a serialized key-switching key set (relinearisation or Galois keys) must look like. */
export interface KeySwitchShape {
  polyModulusDegree: number;
  /** Primes of the key level (all of them, the special prime included). */
  primes: number;
  /** Rows SEAL may declare: 1 for relinearisation keys, the ring degree for Galois keys. */
  maxRows: number;
  /** Non-empty rows allowed (one per Galois element). */
  maxKeys: number;
}

function fail(what: string, message: string, truncated = false): never {
  throw new EnvelopeError(truncated ? "truncated" : "malformed", `${what}: ${message}`);
}

class Cursor {
  readonly view: DataView;
  constructor(readonly bytes: Uint8Array, public at: number, readonly what: string) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  need(n: number, end: number): void {
    if (this.at + n > end) {
      fail(
        this.what,
        `expected ${n} more bytes at offset ${this.at}, the object ends at ${end}`,
        true,
      );
    }
  }
  u8(end: number): number {
    this.need(1, end);
    return this.view.getUint8(this.at++);
  }
  u64(end: number): number {
    this.need(8, end);
    const v = this.view.getBigUint64(this.at, true);
    this.at += 8;
    // Every count SEAL reads is compared with small bounds; larger values are simply too large.
    return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
  }
  f64(end: number): number {
    this.need(8, end);
    const v = this.view.getFloat64(this.at, true);
    this.at += 8;
    return v;
  }
}

/**
 * Checks one SEAL header at the cursor: SEAL 4.1, no compression, reserved bytes zero, and a
 * declared size that fits before `end` (exactly `end` when `exact`). Returns the object's end.
 */
function header(c: Cursor, end: number, object: string, exact: boolean): number {
  const start = c.at;
  c.need(HEADER, end);
  const v = c.view;
  if (v.getUint16(start, true) !== 0xa15e || v.getUint8(start + 2) !== HEADER) {
    fail(c.what, `expected a SEAL ${object} header at offset ${start}, received other bytes`);
  }
  if (v.getUint8(start + 3) !== 4 || v.getUint8(start + 4) !== 1) {
    fail(
      c.what,
      `expected SEAL version 4.1 for the ${object}, received ${v.getUint8(start + 3)}.${
        v.getUint8(start + 4)
      }`,
    );
  }
  if (v.getUint8(start + 5) !== 0) {
    fail(
      c.what,
      `expected compression "none" for the ${object} (the envelope compresses), received mode ${
        v.getUint8(start + 5)
      }`,
    );
  }
  if (v.getUint16(start + 6, true) !== 0) {
    fail(c.what, `expected the reserved bytes of the ${object} header to be 0`);
  }
  const size = v.getBigUint64(start + 8, true);
  const room = BigInt(end - start);
  if (size < HEADER || size > room || (exact && size !== room)) {
    fail(
      c.what,
      `the ${object} header declares ${size} bytes, expected ${exact ? "" : "at most "}${room}`,
      size > room,
    );
  }
  c.at = start + HEADER;
  return start + Number(size);
}

function ciphertextAt(c: Cursor, end: number, shape: CiphertextShape, exact: boolean): number {
  const what = c.what;
  const objEnd = header(c, end, "ciphertext", exact);
  c.need(CT_META, objEnd);
  c.at += 32; // parms id: SEAL checks it against the context without allocating
  const ntt = c.u8(objEnd);
  const parts = c.u64(objEnd);
  const degree = c.u64(objEnd);
  const primes = c.u64(objEnd);
  const scale = c.f64(objEnd);
  const correction = c.u64(objEnd);
  if (ntt !== Number(shape.ntt)) {
    fail(what, `expected NTT form ${Number(shape.ntt)}, received ${ntt}`);
  }
  if (parts < shape.minParts || parts > shape.maxParts) {
    fail(what, `expected ${shape.minParts} to ${shape.maxParts} polynomials, received ${parts}`);
  }
  if (degree !== shape.polyModulusDegree) {
    fail(what, `expected ring degree ${shape.polyModulusDegree}, received ${degree}`);
  }
  const maxPrimes = typeof shape.primes === "number" ? shape.primes : shape.primes.max;
  if (
    primes < 1 || primes > maxPrimes || (typeof shape.primes === "number" && primes !== maxPrimes)
  ) {
    fail(
      what,
      `expected ${
        typeof shape.primes === "number" ? "" : "at most "
      }${maxPrimes} primes, received ${primes}`,
    );
  }
  if (shape.scale === null ? !(scale > 0 && Number.isFinite(scale)) : scale !== shape.scale) {
    fail(what, `expected scale ${shape.scale ?? "> 0"}, received ${scale}`);
  }
  if (correction !== 1) fail(what, `expected correction factor 1, received ${correction}`);
  const arrayEnd = header(c, objEnd, "coefficient array", false);
  const count = c.u64(arrayEnd);
  const full = parts * degree * primes;
  const seeded = count === degree * primes && parts === 2;
  if (count !== full && !seeded) {
    fail(
      what,
      `expected ${full} coefficients (or ${degree * primes} with a seed), received ${count}`,
    );
  }
  if (seeded && shape.seeded === "forbid") {
    fail(what, "expected a full ciphertext, received a seeded one");
  }
  if (!seeded && shape.seeded === "require") {
    fail(what, "expected SEAL's seeded form, received a full ciphertext");
  }
  if (arrayEnd !== c.at + 8 * count) {
    fail(what, `the coefficient array declares ${arrayEnd - c.at} bytes for ${count} coefficients`);
  }
  c.at = arrayEnd;
  if (seeded) {
    const seedEnd = header(c, objEnd, "seed", false);
    if (seedEnd !== c.at - HEADER + SEED) fail(what, `expected a ${SEED}-byte seed record`);
    const prng = c.u8(seedEnd);
    if (prng !== 1 && prng !== 2) fail(what, `expected PRNG type 1 or 2, received ${prng}`);
    c.at = seedEnd;
  }
  if (c.at !== objEnd) {
    fail(what, `expected the ciphertext to end at ${c.at}, it declares ${objEnd}`);
  }
  return objEnd;
}

/**
 * Checks a serialized ciphertext (or public key, which SEAL serializes as its ciphertext).
 *
 * @throws {EnvelopeError} naming what was expected, for any header, size or shape outside `shape`.
 */
export function checkCiphertextBlob(bytes: Uint8Array, shape: CiphertextShape, what: string): void {
  ciphertextAt(new Cursor(bytes, 0, what), bytes.length, shape, true);
}

/**
 * Checks serialized relinearisation or Galois keys: every row count and every key ciphertext
 * (seeded, at the key level) before SEAL reserves memory for them.
 *
 * @throws {EnvelopeError} naming what was expected.
 */
function checkKeySwitchBlob(bytes: Uint8Array, shape: KeySwitchShape, what: string): void {
  const c = new Cursor(bytes, 0, what);
  const end = header(c, bytes.length, "key set", true);
  c.need(32, end);
  c.at += 32;
  const rows = c.u64(end);
  if (rows < 1 || rows > shape.maxRows) {
    fail(what, `expected 1 to ${shape.maxRows} key rows, received ${rows}`);
  }
  const decomposition = Math.max(1, shape.primes - 1);
  const key: CiphertextShape = {
    polyModulusDegree: shape.polyModulusDegree,
    primes: shape.primes,
    minParts: 2,
    maxParts: 2,
    ntt: true,
    scale: 1,
    seeded: "require",
  };
  let keys = 0;
  for (let r = 0; r < rows; r++) {
    const n = c.u64(end);
    if (n === 0) continue;
    if (n !== decomposition) {
      fail(what, `row ${r}: expected ${decomposition} key ciphertexts, received ${n}`);
    }
    if (++keys > shape.maxKeys) fail(what, `expected at most ${shape.maxKeys} keys`);
    for (let j = 0; j < n; j++) ciphertextAt(c, end, key, false);
  }
  if (keys === 0) fail(what, "expected at least one key, received none");
  if (c.at !== end) fail(what, `expected the key set to end at ${c.at}, it declares ${end}`);
}

/** The ring and primes of a parameter set, BFV or CKKS. */
export interface BlobParams {
  scheme?: string;
  polyModulusDegree: number;
  coeffModulusBits: number[];
  scaleBits?: number;
}

/** The shape of a ciphertext under `p`: `fresh` inputs sit at the top data level, at the encoding scale. */
export function ciphertextShape(p: BlobParams, maxParts: number, fresh: boolean): CiphertextShape {
  const ckks = p.scheme === "ckks";
  const dataPrimes = Math.max(1, p.coeffModulusBits.length - 1);
  return {
    polyModulusDegree: p.polyModulusDegree,
    primes: fresh ? dataPrimes : { max: dataPrimes },
    minParts: 2,
    maxParts,
    ntt: ckks,
    scale: ckks ? (fresh ? 2 ** (p.scaleBits ?? 0) : null) : 1,
    seeded: fresh ? "allow" : "forbid",
  };
}

/**
 * Checks one key blob of a keys envelope by its entry tag: relinearisation keys (one row),
 * Galois keys (at most `maxGaloisKeys` of the ring's rows), or a public key (a seeded
 * ciphertext at the key level).
 */
export function checkKeyBlob(
  p: BlobParams,
  tag: string,
  bytes: Uint8Array,
  what: string,
  maxGaloisKeys: number,
): void {
  const primes = p.coeffModulusBits.length;
  if (tag === "relin-keys" || tag === "galois-keys") {
    const relin = tag === "relin-keys";
    checkKeySwitchBlob(bytes, {
      polyModulusDegree: p.polyModulusDegree,
      primes,
      maxRows: relin ? 1 : p.polyModulusDegree,
      maxKeys: relin ? 1 : maxGaloisKeys,
    }, what);
  } else if (tag === "public-key") {
    checkCiphertextBlob(bytes, {
      polyModulusDegree: p.polyModulusDegree,
      primes,
      minParts: 2,
      maxParts: 2,
      ntt: true,
      scale: 1,
      seeded: "require",
    }, what);
  } else fail(what, `expected keys, received a ${tag}`);
}
