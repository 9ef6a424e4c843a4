/**
 * Decoding of PNG (npm `fast-png`), JPEG (npm `jpeg-js`) and PGM (P2 / P5, a few lines here) files
 * into a {@linkcode DecodedImage}. The format is read from the file's first bytes (its magic
 * number), not from its name; every failure is a {@linkcode DataError} naming the file.
 *
 * @module
 */
import { convertIndexedToRgb, decode as decodePngFile } from "fast-png";
import jpeg from "jpeg-js";
import { DataError } from "./errors.ts";
import { type DecodedImage, MAX_IMAGE_PIXELS } from "./image.ts";

/** File name extensions of the image formats {@linkcode decodeImage} reads (lower case). */
export const IMAGE_EXTENSIONS: readonly string[] = Object.freeze([".png", ".jpg", ".jpeg", ".pgm"]);

/** The image format of `bytes` by its magic number, or null. */
function sniff(bytes: Uint8Array): "png" | "jpeg" | "pgm" | null {
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e) {
    return "png";
  }
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) {
    return "jpeg";
  }
  if (bytes.length >= 2 && bytes[0] === 0x50 && (bytes[1] === 0x32 || bytes[1] === 0x35)) {
    return "pgm";
  }
  return null;
}

function checkSize(path: string, width: number, height: number): void {
  if (!(width >= 1 && height >= 1 && width * height <= MAX_IMAGE_PIXELS)) {
    throw new DataError(
      { path },
      `expected an image of 1 to ${MAX_IMAGE_PIXELS} pixels, received ${width} x ${height}`,
    );
  }
}

/**
 * `values` (`count` samples of `channels` channels, 0..max) as grey or RGB 0..255, alpha
 * composited on white.
 */
function toImage(
  values: ArrayLike<number>,
  width: number,
  height: number,
  channels: number,
  max: number,
): DecodedImage {
  const alpha = channels === 2 || channels === 4;
  const out = channels >= 3 ? 3 : 1;
  const pixels = new Float32Array(width * height * out);
  const k = 255 / max;
  for (let i = 0; i < width * height; i++) {
    const a = alpha ? values[i * channels + channels - 1] / max : 1;
    for (let c = 0; c < out; c++) {
      pixels[i * out + c] = (values[i * channels + c] * a + max * (1 - a)) * k;
    }
  }
  return { width, height, channels: out as 1 | 3, pixels };
}

/** Unpacks 1-, 2- or 4-bit samples (rows padded to whole bytes, as PNG stores them). */
function unpackBits(data: ArrayLike<number>, width: number, height: number, depth: number) {
  const out = new Uint8Array(width * height);
  const rowBytes = Math.ceil((width * depth) / 8);
  const mask = (1 << depth) - 1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const bit = x * depth;
      const byte = data[y * rowBytes + (bit >> 3)];
      out[y * width + x] = (byte >> (8 - depth - (bit & 7))) & mask;
    }
  }
  return out;
}

function decodePng(path: string, bytes: Uint8Array): DecodedImage {
  const png = decodePngFile(bytes, { checkCrc: true });
  checkSize(path, png.width, png.height);
  if (png.palette) {
    const rgba = convertIndexedToRgb(png);
    const channels = rgba.length / (png.width * png.height);
    return toImage(rgba, png.width, png.height, channels, 255);
  }
  const data = png.depth < 8 && png.channels === 1
    ? unpackBits(png.data, png.width, png.height, png.depth)
    : png.data;
  if (data.length !== png.width * png.height * png.channels) {
    throw new DataError(
      { path },
      `expected ${png.width} x ${png.height} x ${png.channels} PNG samples, received ` +
        `${data.length}`,
    );
  }
  return toImage(data, png.width, png.height, png.channels, 2 ** png.depth - 1);
}

function decodeJpeg(path: string, bytes: Uint8Array): DecodedImage {
  const img = jpeg.decode(bytes, {
    useTArray: true,
    formatAsRGBA: true,
    tolerantDecoding: false,
    maxResolutionInMP: MAX_IMAGE_PIXELS / (1024 * 1024),
    maxMemoryUsageInMB: 1024,
  });
  checkSize(path, img.width, img.height);
  const rgb = toImage(img.data, img.width, img.height, 4, 255);
  // A grey JPEG comes out with R = G = B: keep one channel.
  const p = rgb.pixels;
  for (let i = 0; i < p.length; i += 3) {
    if (p[i] !== p[i + 1] || p[i] !== p[i + 2]) return rgb;
  }
  return toImage(p.filter((_, i) => i % 3 === 0), img.width, img.height, 1, 255);
}

/** PGM (netpbm grey map): `P2` (ASCII) or `P5` (binary, 8 or 16 bits big-endian). */
function decodePgm(path: string, bytes: Uint8Array): DecodedImage {
  const head = new TextDecoder("latin1").decode(bytes.subarray(0, 512));
  const m = head.match(
    /^(P[25])(?:\s+|#[^\n]*\n)+(\d+)(?:\s+|#[^\n]*\n)+(\d+)(?:\s+|#[^\n]*\n)+(\d+)\s/,
  );
  if (!m) {
    throw new DataError({ path }, "expected a PGM header (P2 or P5, width, height, maxval)");
  }
  const width = Number(m[2]), height = Number(m[3]), max = Number(m[4]);
  checkSize(path, width, height);
  if (!(max >= 1 && max <= 65535)) {
    throw new DataError({ path }, `expected a PGM maxval in [1, 65535], received ${max}`);
  }
  const n = width * height, body = bytes.subarray(m[0].length);
  let values: ArrayLike<number>;
  if (m[1] === "P2") {
    const text = new TextDecoder("latin1").decode(body).replace(/#[^\n]*/g, "").trim();
    values = text === "" ? [] : text.split(/\s+/).map(Number);
  } else if (max < 256) {
    values = body.subarray(0, n);
  } else {
    const wide = new Uint16Array(Math.min(n, body.length >> 1));
    for (let i = 0; i < wide.length; i++) wide[i] = (body[2 * i] << 8) | body[2 * i + 1];
    values = wide;
  }
  if (values.length < n) {
    throw new DataError({ path }, `expected ${n} PGM pixels, received ${values.length}`);
  }
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (!(Number.isInteger(v) && v >= 0 && v <= max)) {
      throw new DataError(
        { path },
        `pixel ${i}: expected an integer in [0, ${max}], received ${v}`,
      );
    }
  }
  return toImage(values, width, height, 1, max);
}

/**
 * Decodes a PNG, JPEG or PGM file's bytes (the format is read from the magic number).
 *
 * @param path Named in errors.
 * @throws {DataError} for bytes of another format, a corrupt or truncated file, or an image of
 *   more than {@linkcode MAX_IMAGE_PIXELS} pixels.
 *
 * @example
 * ```ts
 * import { decodeImage } from "./image_decode.ts";
 * const image = decodeImage("cat.png", await Deno.readFile("cat.png"));
 * console.log(image.width, image.height, image.channels);
 * ```
 */
export function decodeImage(path: string, bytes: Uint8Array): DecodedImage {
  const format = sniff(bytes);
  if (format === null) {
    throw new DataError(
      { path },
      `expected a PNG, JPEG or PGM image, received ${bytes.length} bytes starting ` +
        JSON.stringify(new TextDecoder("latin1").decode(bytes.subarray(0, 8))),
    );
  }
  try {
    return format === "png"
      ? decodePng(path, bytes)
      : format === "jpeg"
      ? decodeJpeg(path, bytes)
      : decodePgm(path, bytes);
  } catch (e) {
    if (e instanceof DataError) throw e;
    throw new DataError(
      { path },
      `expected a readable ${format.toUpperCase()} image, received a corrupt or truncated ` +
        `file (${(e as Error).message})`,
    );
  }
}
