/**
 * The IDX file format of MNIST and Fashion-MNIST: a big-endian header (two zero bytes, a type
 * byte, the number of dimensions, then one 32-bit size per dimension) followed by the values.
 *
 * @module
 */
import { DatasetFormatError } from "./errors.ts";

/** Type byte of unsigned 8-bit values, the only one MNIST uses. */
export const IDX_UBYTE = 0x08;

/** A parsed IDX file of unsigned bytes. */
export interface IdxArray {
  /** Size of each dimension, e.g. `[60000, 28, 28]`. */
  dims: number[];
  /** The values, row-major (a view into the input bytes). */
  data: Uint8Array;
}

/**
 * Parses an IDX file of unsigned bytes and checks its header against what the caller expects.
 *
 * @param bytes The whole file.
 * @param file Name used in error messages.
 * @param expected Number of dimensions and, optionally, the exact size of each (use `undefined`
 *   for a dimension of any size).
 * @throws {DatasetFormatError} on a wrong magic number, unexpected dimensions, or a file whose
 *   length does not match its header (truncated or with trailing bytes).
 *
 * @example
 * ```ts
 * import { parseIdx } from "./idx.ts";
 * const labels = parseIdx(bytes, "train-labels-idx1-ubyte", { dims: [60000] });
 * ```
 */
export function parseIdx(
  bytes: Uint8Array,
  file: string,
  expected: { dims: (number | undefined)[] },
): IdxArray {
  const rank = expected.dims.length;
  const headerSize = 4 + 4 * rank;
  const expectedMagic = (IDX_UBYTE << 8) | rank;
  if (bytes.length < headerSize) {
    throw new DatasetFormatError(
      file,
      `expected an IDX header of ${headerSize} bytes, received a file of ${bytes.length} bytes`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  if (magic !== expectedMagic) {
    throw new DatasetFormatError(
      file,
      `expected IDX magic number 0x${hex(expectedMagic)} (unsigned bytes, ${rank} dimensions), ` +
        `received 0x${hex(magic)}`,
    );
  }
  const dims: number[] = [];
  for (let d = 0; d < rank; d++) {
    const size = view.getUint32(4 + 4 * d, false);
    const want = expected.dims[d];
    if (want !== undefined && size !== want) {
      throw new DatasetFormatError(
        file,
        `expected dimension ${d} of size ${want}, received ${size} (dimensions in header: ` +
          `${readDims(view, rank).join(" x ")})`,
      );
    }
    dims.push(size);
  }
  const count = dims.reduce((a, b) => a * b, 1);
  if (bytes.length !== headerSize + count) {
    throw new DatasetFormatError(
      file,
      `expected ${headerSize + count} bytes for dimensions ${dims.join(" x ")}, received ` +
        `${bytes.length} bytes (${
          bytes.length < headerSize + count ? "truncated" : "trailing data"
        })`,
    );
  }
  return { dims, data: bytes.subarray(headerSize) };
}

function hex(v: number): string {
  return v.toString(16).padStart(8, "0");
}

function readDims(view: DataView, rank: number): number[] {
  return Array.from({ length: rank }, (_, d) => view.getUint32(4 + 4 * d, false));
}
