/**
 * The versioned binary envelope that carries ciphertexts, evaluation keys and results between
 * client and server. It names the parameter set it was made for (a SHA-256 of the canonical
 * parameters), may deflate its body, and ends with a SHA-256 checksum. Decoding bounds every
 * size before allocating and rejects anything truncated, oversized, foreign or corrupted with an
 * {@linkcode EnvelopeError}.
 *
 * Layout (little-endian): `"FCNE"` | version u8 | kind u8 | moduli u8 | flags u8 |
 * params hash (32) | count u32 | queries u32 | body length u32 | body | SHA-256 of all before (32).
 * The body is a sequence of entries: tag u8 | modulus u8 | reserved u16 (must be 0) | length u32 |
 * bytes. A deflated body is inflated in small steps under a running cap, so a deflate bomb stops
 * at the cap.
 *
 * @module
 */

/** Bytes backed by an ordinary ArrayBuffer (what `fetch` bodies and Web Crypto accept). */
export type Bytes = Uint8Array<ArrayBuffer>;

/** What an envelope carries. */
export type EnvelopeKind = "ciphertexts" | "keys" | "results";

/** What an entry holds. */
export type EntryTag = "ciphertext" | "constant" | "relin-keys" | "galois-keys" | "public-key";

/** One entry of an envelope. */
export interface EnvelopeEntry {
  /** What the entry holds. */
  tag: EntryTag;
  /** Index of the plaintext modulus it belongs to. */
  modulus: number;
  /** The entry's bytes (a SEAL blob). */
  bytes: Uint8Array;
}

/** A decoded (or to-be-encoded) envelope. */
export interface Envelope {
  /** What the envelope carries. */
  kind: EnvelopeKind;
  /** SHA-256 of the canonical parameters (see `paramsHash`). */
  paramsHash: Uint8Array;
  /** Number of plaintext moduli. */
  moduli: number;
  /** Items per modulus (inputs, outputs, or 1 for keys). */
  count: number;
  /** Queries carried (slots used in simd, 1 in poly). */
  queries: number;
  /** The entries, in order. */
  entries: EnvelopeEntry[];
}

/** Why an envelope was refused. */
export type EnvelopeErrorCode =
  | "truncated"
  | "oversized"
  | "bad-magic"
  | "unsupported-version"
  | "wrong-kind"
  | "foreign-parameters"
  | "corrupted"
  | "malformed";

/** An envelope that cannot be used; `code` says why, the message says what was expected. */
export class EnvelopeError extends Error {
  /** Why the envelope was refused. */
  readonly code: EnvelopeErrorCode;
  /**
   * Creates a {@linkcode EnvelopeError}.
   *
   * @param code why the envelope was refused
   * @param message what was expected and what was received
   * @param options the cause (SEAL's refusal), if any
   */
  constructor(code: EnvelopeErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "EnvelopeError";
    this.code = code;
  }
}

/** The current envelope version. */
export const ENVELOPE_VERSION = 1;
const MAGIC = [0x46, 0x43, 0x4e, 0x45]; // "FCNE"
const HEAD = 52;
const SUM = 32;
const KINDS: EnvelopeKind[] = ["ciphertexts", "keys", "results"];
// New tags go at the end: an entry's tag byte is its index here.
const TAGS: EntryTag[] = ["ciphertext", "constant", "relin-keys", "galois-keys", "public-key"];
const FLAG_DEFLATE = 1;

async function sha256(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", data as Uint8Array<ArrayBuffer>));
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * Input bytes fed to a (de)compression stream per step: about cap / 4096, within [1 KiB, 16 KiB].
 * Deflate inflates at most about 1032x, so one step yields at most about a quarter of the cap
 * (or 1 MiB): the running cap stops a bomb within that of the cap. (A stream fed the whole body
 * at once inflates all of it before the first read.)
 */
function stepFor(cap: number): number {
  return Math.min(16384, Math.max(1024, Math.floor(cap / 4096)));
}

async function pipe(
  data: Uint8Array,
  stream: { writable: WritableStream<BufferSource>; readable: ReadableStream<Uint8Array> },
  cap: number,
): Promise<Uint8Array> {
  const writer = stream.writable.getWriter();
  const reader = stream.readable.getReader();
  // Backpressure: each write waits until the reader below has taken the previous step's output.
  const step = stepFor(cap);
  const feeding = (async () => {
    for (let at = 0; at < data.length; at += step) {
      await writer.write(data.subarray(at, at + step) as Uint8Array<ArrayBuffer>);
    }
    await writer.close();
  })();
  feeding.catch(() => {});
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > cap) {
        throw new EnvelopeError(
          "oversized",
          `expected an inflated body of at most ${cap} bytes, received more`,
        );
      }
      chunks.push(value);
    }
    await feeding;
  } catch (e) {
    await reader.cancel().catch(() => {});
    await writer.abort().catch(() => {});
    throw e;
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Serializes an envelope; `compress` deflates the body (SEAL data compresses by about a third). */
export async function encodeEnvelope(
  env: Envelope,
  options: { compress?: boolean } = {},
): Promise<Bytes> {
  if (env.paramsHash.length !== 32) {
    throw new RangeError(`expected a 32-byte params hash, received ${env.paramsHash.length}`);
  }
  let bodyLen = 0;
  for (const e of env.entries) bodyLen += 8 + e.bytes.length;
  let body: Uint8Array = new Uint8Array(bodyLen);
  const bv = new DataView(body.buffer);
  let at = 0;
  for (const e of env.entries) {
    bv.setUint8(at, TAGS.indexOf(e.tag));
    bv.setUint8(at + 1, e.modulus);
    bv.setUint32(at + 4, e.bytes.length, true);
    body.set(e.bytes, at + 8);
    at += 8 + e.bytes.length;
  }
  const compress = options.compress ?? true;
  if (compress) {
    body = await pipe(body, new CompressionStream("deflate-raw"), Number.MAX_SAFE_INTEGER);
  }
  const out = new Uint8Array(HEAD + body.length + SUM);
  const v = new DataView(out.buffer);
  out.set(MAGIC, 0);
  v.setUint8(4, ENVELOPE_VERSION);
  v.setUint8(5, KINDS.indexOf(env.kind) + 1);
  v.setUint8(6, env.moduli);
  v.setUint8(7, compress ? FLAG_DEFLATE : 0);
  out.set(env.paramsHash, 8);
  v.setUint32(40, env.count, true);
  v.setUint32(44, env.queries, true);
  v.setUint32(48, body.length, true);
  out.set(body, HEAD);
  out.set(await sha256(out.subarray(0, HEAD + body.length)), HEAD + body.length);
  return out;
}

/** The fixed header of an envelope, read without checking the rest ({@linkcode peekEnvelope}). */
export interface EnvelopeHeader {
  /** Hex SHA-256 of the canonical parameters the envelope was made for. */
  paramsHash: string;
  /** Envelope version byte. */
  version: number;
  /** Number of plaintext moduli. */
  moduli: number;
  /** Items per modulus, or null when the bytes end before the field. */
  count: number | null;
  /** Queries carried, or null when the bytes end before the field. */
  queries: number | null;
}

/** Bytes an envelope needs for {@linkcode peekEnvelope}: magic, version, kind, moduli, flags, hash. */
const ENVELOPE_PEEK_BYTES = 40;

/**
 * Reads an envelope's header (magic, parameter hash, moduli, count, queries) without checking the
 * body or the checksum: how a receiver finds the plan an envelope names before decoding it.
 *
 * @throws {EnvelopeError} `truncated` below {@linkcode ENVELOPE_PEEK_BYTES} bytes, `bad-magic`.
 */
export function peekEnvelope(bytes: Uint8Array): EnvelopeHeader {
  if (bytes.length < ENVELOPE_PEEK_BYTES) {
    throw new EnvelopeError(
      "truncated",
      `expected an envelope of at least ${ENVELOPE_PEEK_BYTES} bytes, received ${bytes.length}`,
    );
  }
  if (!MAGIC.every((b, i) => bytes[i] === b)) {
    throw new EnvelopeError(
      "bad-magic",
      'expected an envelope starting with "FCNE", received other bytes',
    );
  }
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hex = Array.from(bytes.subarray(8, 40), (b) => b.toString(16).padStart(2, "0")).join("");
  return {
    paramsHash: hex,
    version: v.getUint8(4),
    moduli: v.getUint8(6),
    count: bytes.length >= 44 ? v.getUint32(40, true) : null,
    queries: bytes.length >= 48 ? v.getUint32(44, true) : null,
  };
}

/** What a decoder expects and allows. */
export interface EnvelopeExpectation {
  /** The kind of envelope expected. */
  kind: EnvelopeKind;
  /** The receiver's parameter hash; a different one is `foreign-parameters`. */
  paramsHash: Uint8Array;
  /** Largest envelope accepted (bytes). */
  maxBytes: number;
  /** Largest body after inflation (bytes). */
  maxBodyBytes: number;
  /** Largest single entry (bytes). */
  maxEntryBytes: number;
}

/** Checks size, magic, version, declared length and checksum; returns the body's length. */
async function checkFrame(
  bytes: Uint8Array,
  v: DataView,
  expect: EnvelopeExpectation,
): Promise<number> {
  if (bytes.length > expect.maxBytes) {
    throw new EnvelopeError(
      "oversized",
      `expected at most ${expect.maxBytes} bytes, received ${bytes.length}`,
    );
  }
  if (bytes.length < HEAD + SUM) {
    throw new EnvelopeError(
      "truncated",
      `expected at least ${HEAD + SUM} bytes, received ${bytes.length}`,
    );
  }
  if (!MAGIC.every((b, i) => bytes[i] === b)) {
    throw new EnvelopeError(
      "bad-magic",
      'expected an envelope starting with "FCNE", received other bytes',
    );
  }
  const version = v.getUint8(4);
  if (version !== ENVELOPE_VERSION) {
    throw new EnvelopeError(
      "unsupported-version",
      `expected envelope version ${ENVELOPE_VERSION}, received ${version}`,
    );
  }
  const bodyLen = v.getUint32(48, true);
  if (bytes.length !== HEAD + bodyLen + SUM) {
    const code = bytes.length < HEAD + bodyLen + SUM ? "truncated" : "malformed";
    throw new EnvelopeError(
      code,
      `expected ${HEAD + bodyLen + SUM} bytes for a ${bodyLen}-byte body, received ${bytes.length}`,
    );
  }
  const sum = await sha256(bytes.subarray(0, HEAD + bodyLen));
  if (!equal(sum, bytes.subarray(HEAD + bodyLen))) {
    throw new EnvelopeError(
      "corrupted",
      "the checksum does not match the contents (corrupted in transit?)",
    );
  }
  return bodyLen;
}

/** Checks the kind and the parameter hash against what the receiver expects. */
function checkIdentity(bytes: Uint8Array, v: DataView, expect: EnvelopeExpectation): EnvelopeKind {
  const kindIndex = v.getUint8(5) - 1;
  const kind = KINDS[kindIndex];
  if (kind !== expect.kind) {
    throw new EnvelopeError(
      "wrong-kind",
      `expected an envelope of ${expect.kind}, received ${kind ?? `kind ${kindIndex + 1}`}`,
    );
  }
  if (!equal(bytes.subarray(8, 40), expect.paramsHash)) {
    throw new EnvelopeError(
      "foreign-parameters",
      "the envelope was made for other HE parameters than this model's",
    );
  }
  return kind;
}

/** The body, inflated under the cap when the deflate flag is set. */
async function readBody(
  bytes: Uint8Array,
  v: DataView,
  bodyLen: number,
  maxBodyBytes: number,
): Promise<Uint8Array> {
  const flags = v.getUint8(7);
  if (flags & ~FLAG_DEFLATE) {
    throw new EnvelopeError("malformed", `expected flags 0 or 1, received ${flags}`);
  }
  const body = bytes.subarray(HEAD, HEAD + bodyLen);
  if (flags & FLAG_DEFLATE) {
    try {
      return await pipe(body, new DecompressionStream("deflate-raw"), maxBodyBytes);
    } catch (e) {
      if (e instanceof EnvelopeError) throw e;
      throw new EnvelopeError("malformed", `the body does not inflate: ${(e as Error).message}`);
    }
  }
  if (body.length > maxBodyBytes) {
    throw new EnvelopeError(
      "oversized",
      `expected a body of at most ${maxBodyBytes} bytes, received ${body.length}`,
    );
  }
  return body;
}

/** Splits a body into its entries, checking each header against the envelope. */
function readEntries(body: Uint8Array, moduli: number, maxEntryBytes: number): EnvelopeEntry[] {
  const entries: EnvelopeEntry[] = [];
  const bv = new DataView(body.buffer, body.byteOffset, body.byteLength);
  for (let at = 0; at < body.length;) {
    if (at + 8 > body.length) {
      throw new EnvelopeError("truncated", `entry ${entries.length}: header cut short`);
    }
    const tag = TAGS[bv.getUint8(at)];
    const modulus = bv.getUint8(at + 1);
    const reserved = bv.getUint16(at + 2, true);
    const len = bv.getUint32(at + 4, true);
    if (!tag) {
      throw new EnvelopeError(
        "malformed",
        `entry ${entries.length}: unknown tag ${bv.getUint8(at)}`,
      );
    }
    // One spelling per envelope: a field that could vary freely would give equal keys two ids.
    if (reserved !== 0) {
      throw new EnvelopeError(
        "malformed",
        `entry ${entries.length}: expected reserved bytes 0, received ${reserved}`,
      );
    }
    if (modulus >= moduli) {
      throw new EnvelopeError(
        "malformed",
        `entry ${entries.length}: expected a modulus index below ${moduli}, received ${modulus}`,
      );
    }
    if (len > maxEntryBytes) {
      throw new EnvelopeError(
        "oversized",
        `entry ${entries.length}: expected at most ${maxEntryBytes} bytes, received ${len}`,
      );
    }
    if (at + 8 + len > body.length) {
      throw new EnvelopeError(
        "truncated",
        `entry ${entries.length}: expected ${len} bytes, ${body.length - at - 8} remain`,
      );
    }
    entries.push({ tag, modulus, bytes: body.subarray(at + 8, at + 8 + len) });
    at += 8 + len;
  }
  return entries;
}

/**
 * Parses and checks an envelope.
 *
 * @throws {EnvelopeError} for anything truncated, oversized, of another version or kind, made for
 * other parameters, or corrupted.
 */
export async function decodeEnvelope(
  bytes: Uint8Array,
  expect: EnvelopeExpectation,
): Promise<Envelope> {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bodyLen = await checkFrame(bytes, v, expect);
  const kind = checkIdentity(bytes, v, expect);
  const body = await readBody(bytes, v, bodyLen, expect.maxBodyBytes);
  const moduli = v.getUint8(6);
  return {
    kind,
    paramsHash: bytes.slice(8, 40),
    moduli,
    count: v.getUint32(40, true),
    queries: v.getUint32(44, true),
    entries: readEntries(body, moduli, expect.maxEntryBytes),
  };
}
