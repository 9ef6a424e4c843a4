/**
 * Reads a handwritten-digit image into the private task's format (8 x 8 block counts 0..16, as
 * the UCI digits): an 8 x 8 image is rescaled to 0..16, a larger one (e.g. a 28 x 28 MNIST-style
 * image) goes through the same reduction the extractor was pretrained with. Accepted: PNG (grey,
 * RGB or with alpha), PGM (P2/P5) and JSON (a flat array of numbers, with `width`/`height` or a
 * square length). Dark ink on a light background is inverted automatically.
 *
 * @module
 */
import { decode } from "fast-png";
import { reduceToUci8x8 } from "../feature-extractor/uci_reduction.ts";

/** An image the client cannot read. */
export class ImageFormatError extends Error {
  /**
   * Creates a {@linkcode ImageFormatError}.
   *
   * @param message what was expected and what was received
   */
  constructor(message: string) {
    super(message);
    this.name = "ImageFormatError";
  }
}

/** A decoded grey image, row-major. */
export interface Grey {
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
  /** Values scaled to [0, 1], ink high. */
  pixels: Float32Array;
}

function normalise(values: ArrayLike<number>, width: number, height: number, max: number): Grey {
  const pixels = Float32Array.from(values, (v) => Math.min(1, Math.max(0, v / max)));
  // Ink is the minority: if most of the border is bright, the image is dark ink on white.
  let border = 0, n = 0;
  for (let x = 0; x < width; x++) {
    border += pixels[x] + pixels[(height - 1) * width + x];
    n += 2;
  }
  if (border / n > 0.5) { for (let i = 0; i < pixels.length; i++) pixels[i] = 1 - pixels[i]; }
  return { width, height, pixels };
}

function decodePng(bytes: Uint8Array): Grey {
  let img;
  try {
    img = decode(bytes);
  } catch (e) {
    throw new ImageFormatError(
      `expected a PNG image, received bytes that do not decode (${(e as Error).message})`,
    );
  }
  const { width, height, channels, depth } = img;
  const data = img.data as ArrayLike<number>;
  const max = 2 ** depth - 1;
  const colour = channels >= 3;
  const grey = new Float32Array(width * height);
  for (let i = 0; i < width * height; i++) {
    const p = i * channels;
    let v = colour ? 0.299 * data[p] + 0.587 * data[p + 1] + 0.114 * data[p + 2] : data[p];
    if (channels === 2 || channels === 4) {
      const alpha = data[p + channels - 1] / max;
      v = v * alpha + max * (1 - alpha); // composite on white
    }
    grey[i] = v;
  }
  return normalise(grey, width, height, max);
}

function decodePgm(bytes: Uint8Array): Grey {
  const head = new TextDecoder("latin1").decode(bytes.subarray(0, 64));
  const m = head.match(/^(P[25])\s+(?:#.*\s+)*(\d+)\s+(\d+)\s+(\d+)\s/);
  if (!m) throw new ImageFormatError("expected a PGM header (P2 or P5, width, height, maxval)");
  const [, kind, w, h, mx] = m;
  const width = Number(w), height = Number(h), max = Number(mx);
  if (width * height > 4096 * 4096) {
    throw new ImageFormatError(
      `expected an image of at most 4096 x 4096, received ${width} x ${height}`,
    );
  }
  let values: number[];
  if (kind === "P2") {
    values = new TextDecoder("latin1").decode(bytes.subarray(m[0].length)).trim().split(/\s+/).map(
      Number,
    );
  } else {
    values = Array.from(bytes.subarray(m[0].length, m[0].length + width * height));
  }
  if (values.length < width * height) {
    throw new ImageFormatError(`expected ${width * height} pixels, received ${values.length}`);
  }
  return normalise(values.slice(0, width * height), width, height, max);
}

function decodeJson(bytes: Uint8Array): Grey {
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new ImageFormatError(
      "expected JSON: an array of pixel values, or { width, height, pixels }",
    );
  }
  const o = (Array.isArray(doc) ? { pixels: doc } : doc) as {
    width?: number;
    height?: number;
    pixels?: unknown;
  };
  if (
    !Array.isArray(o.pixels) || o.pixels.some((v) => typeof v !== "number" || !Number.isFinite(v))
  ) {
    throw new ImageFormatError("expected an array of finite numbers as pixels");
  }
  const side = Math.round(Math.sqrt(o.pixels.length));
  const width = o.width ?? side, height = o.height ?? side;
  if (width * height !== o.pixels.length) {
    throw new ImageFormatError(`expected ${width} x ${height} pixels, received ${o.pixels.length}`);
  }
  const max = Math.max(...(o.pixels as number[]));
  return normalise(o.pixels as number[], width, height, max <= 16 ? 16 : max <= 255 ? 255 : max);
}

/** Converts a decoded image to 64 block counts in 0..16 (the UCI format). */
function toUci8x8(img: Grey): Float32Array {
  if (img.width === 8 && img.height === 8) return img.pixels.map((v) => Math.round(v * 16));
  if (img.width < 8 || img.height < 8) {
    throw new ImageFormatError(
      `expected an image of at least 8 x 8 pixels, received ${img.width} x ${img.height}`,
    );
  }
  return reduceToUci8x8(img.pixels.map((v) => v * 255), 1, {}, img.height, img.width);
}

/** Reads an image file (PNG, PGM or JSON, by extension) into 64 UCI-format values. */
export async function readDigitImage(path: string): Promise<Float32Array> {
  const bytes = await Deno.readFile(path);
  const ext = path.toLowerCase().split(".").pop();
  const img = ext === "png"
    ? decodePng(bytes)
    : ext === "pgm"
    ? decodePgm(bytes)
    : ext === "json"
    ? decodeJson(bytes)
    : null;
  if (!img) throw new ImageFormatError(`expected a .png, .pgm or .json image, received ${path}`);
  return toUci8x8(img);
}
