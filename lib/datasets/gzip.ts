/** Gzip decompression with the web-standard `DecompressionStream`. @module */
import { DatasetFormatError } from "./errors.ts";

/** The two magic bytes every gzip member starts with. */
const GZIP_MAGIC = [0x1f, 0x8b] as const;

/**
 * Decompresses gzip `bytes` completely.
 *
 * @param file Name used in error messages.
 * @throws {DatasetFormatError} when `bytes` is not a gzip stream or is corrupt or truncated.
 *
 * @example
 * ```ts
 * import { gunzip } from "./gzip.ts";
 * const text = new TextDecoder().decode(await gunzip(await Deno.readFile("data/digits.csv.gz")));
 * ```
 */
export async function gunzip(bytes: Uint8Array, file = "<gzip>"): Promise<Uint8Array> {
  if (bytes.length < 18 || bytes[0] !== GZIP_MAGIC[0] || bytes[1] !== GZIP_MAGIC[1]) {
    const head = Array.from(bytes.subarray(0, 2), (b) => b.toString(16).padStart(2, "0"));
    throw new DatasetFormatError(
      file,
      `expected a gzip stream (magic 1f 8b, at least 18 bytes), received ${bytes.length} bytes ` +
        `starting with ${head.join(" ") || "nothing"}`,
    );
  }
  try {
    const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream()
      .pipeThrough(new DecompressionStream("gzip"));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (e) {
    throw new DatasetFormatError(
      file,
      `expected a complete gzip stream, decompression failed: ${(e as Error).message}`,
    );
  }
}
