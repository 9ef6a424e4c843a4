/**
 * Reduction of 28 x 28 grey digits (MNIST) to the format of the UCI optical digits: the digit is
 * fitted into a 32 x 32 box (full height, aspect ratio kept, centred), binarised, and the ink
 * pixels of each 4 x 4 block are counted, giving 8 x 8 values in `0..16`. This is how the UCI
 * set was made from NIST's normalised 32 x 32 bitmaps, so a network trained on reduced MNIST
 * accepts private UCI digits as they are.
 *
 * With an {@linkcode Augmentation} every reduction draws a random rotation, shear, aspect, size,
 * shift and stroke thickness, so the features do not depend on the quirks of MNIST's writers.
 *
 * @module
 */

/** Side of the intermediate binary bitmap. */
export const BITMAP_SIZE = 32;
/** Side of a counting block. */
export const BLOCK_SIZE = 4;
/** Side of the reduced image (`BITMAP_SIZE / BLOCK_SIZE`). */
export const REDUCED_SIZE = 8;

/**
 * Ranges of the random distortions of one reduction. Each draw is uniform in its range.
 */
export interface Augmentation {
  /** Rotation in degrees, `[-r, r]`. */
  rotationDeg: number;
  /** Horizontal shear (x += shear * y), `[-s, s]`. */
  shear: number;
  /** Range of the width / height multiplier (below 1 makes digits narrower). */
  aspect: [number, number];
  /** Size of the fitted digit relative to the 32-pixel box, `[minScale, 1]`. */
  minScale: number;
  /** Shift in bitmap pixels along each axis, `[-t, t]` (after fitting, clipped to the box). */
  shift: number;
  /** Range of the fraction of the 32 x 32 bitmap that is ink (stroke thickness). */
  inkFraction: [number, number];
}

/**
 * The augmentation used to pretrain the extractor. The ink range covers thin to very thick
 * strokes (8% to 42% of the bitmap; UCI digits hold about 30% on average).
 */
export const DEFAULT_AUGMENTATION: Readonly<Augmentation> = Object.freeze({
  rotationDeg: 12,
  shear: 0.25,
  aspect: [0.7, 1.1] as [number, number],
  minScale: 0.85,
  shift: 1.5,
  inkFraction: [0.18, 0.42] as [number, number],
});

/**
 * Ink fraction of the reductions made without augmentation (the middle of
 * {@linkcode DEFAULT_AUGMENTATION}'s range).
 */
export const DEFAULT_INK_FRACTION = 0.3;

/** Options of {@linkcode reduceToUci8x8}. */
export interface ReductionOptions {
  /** Random distortions; none when absent. */
  augmentation?: Augmentation;
  /** Uniform `[0, 1)` generator used for the augmentation (e.g. `seedrandom(seed)`). */
  random?: () => number;
  /** Ink fraction when there is no augmentation (default {@linkcode DEFAULT_INK_FRACTION}). */
  inkFraction?: number;
}

/**
 * Reduces `count` grey images of `height x width` pixels (values `0..255`, ink is high) to UCI
 * 8 x 8 block counts in `0..16`.
 *
 * Steps per image: (1) the ink pixels (grey level above 64) are distorted by the drawn
 * augmentation and their bounding box is fitted into the 32 x 32 box: full height or full width,
 * whichever is larger, aspect ratio kept, centred; (2) the bitmap is resampled bilinearly and
 * blurred with a 3 x 3 binomial kernel (up to 4 times, until enough pixels carry some ink);
 * (3) the brightest `inkFraction * 1024` pixels become ink (so stroke thickness is normalised);
 * (4) each 4 x 4 block counts its ink pixels.
 *
 * @param images `count x height x width` grey levels, row-major.
 * @returns `count x 64` block counts, row-major (`[8, 8, 1]` per image).
 * @throws {RangeError} when `images` does not hold `count * height * width` values, or when an
 *   augmentation is given without a `random` generator.
 *
 * @example
 * ```ts
 * import { loadMnist } from "../datasets/mod.ts";
 * import { reduceToUci8x8 } from "./uci_reduction.ts";
 * const test = await loadMnist("test");
 * const reduced = reduceToUci8x8(test.x, test.count); // 10000 x 64, values 0..16
 * ```
 */
export function reduceToUci8x8(
  images: Float32Array,
  count: number,
  options: ReductionOptions = {},
  height = 28,
  width = 28,
): Float32Array {
  if (images.length !== count * height * width) {
    throw new RangeError(
      `expected ${count} x ${height} x ${width} = ${count * height * width} values, received ` +
        `${images.length}`,
    );
  }
  if (options.augmentation && !options.random) {
    throw new RangeError("an augmentation needs a random generator (options.random)");
  }
  const out = new Float32Array(count * REDUCED_SIZE * REDUCED_SIZE);
  const work = new Workspace();
  for (let i = 0; i < count; i++) {
    const src = images.subarray(i * height * width, (i + 1) * height * width);
    reduceOne(src, height, width, options, work, out.subarray(i * 64, (i + 1) * 64));
  }
  return out;
}

class Workspace {
  readonly grey = new Float32Array(BITMAP_SIZE * BITMAP_SIZE);
  readonly blurred = new Float32Array(BITMAP_SIZE * BITMAP_SIZE);
  readonly sorted = new Float32Array(BITMAP_SIZE * BITMAP_SIZE);
}

const INK_LEVEL = 64;
/** Grey level below which a resampled pixel never becomes ink. */
const MIN_GREY = 1e-3;
/** Weight of the tie-breaking blur (small against the grey-level steps of 1/16 per blur). */
const TIE_BREAK = 1e-4;
/** Most blur passes used to reach the ink target. */
const MAX_BLURS = 4;

function countAbove(values: Float32Array, level: number): number {
  let n = 0;
  for (const v of values) if (v > level) n++;
  return n;
}

/** The random distortion of one image: forward map A (about the centre), scale, shift, ink. */
interface Distortion {
  a: number;
  b: number;
  c: number;
  d: number;
  scale: number;
  shiftX: number;
  shiftY: number;
  ink: number;
}

function drawDistortion(options: ReductionOptions): Distortion {
  const aug = options.augmentation;
  const rnd = options.random ?? Math.random;
  const draw = (lo: number, hi: number) => lo + (hi - lo) * rnd();
  const ink = options.inkFraction ?? DEFAULT_INK_FRACTION;
  if (!aug) return { a: 1, b: 0, c: 0, d: 1, scale: 1, shiftX: 0, shiftY: 0, ink };
  const theta = (draw(-aug.rotationDeg, aug.rotationDeg) * Math.PI) / 180;
  const shear = draw(-aug.shear, aug.shear);
  const aspect = draw(aug.aspect[0], aug.aspect[1]);
  const cos = Math.cos(theta), sin = Math.sin(theta);
  // A = diag(aspect, 1) * [[1, shear], [0, 1]] * R(theta)
  return {
    a: aspect * (cos + shear * sin),
    b: aspect * (-sin + shear * cos),
    c: sin,
    d: cos,
    scale: draw(aug.minScale, 1),
    shiftX: draw(-aug.shift, aug.shift),
    shiftY: draw(-aug.shift, aug.shift),
    ink: draw(aug.inkFraction[0], aug.inkFraction[1]),
  };
}

/**
 * Bounding box of the distorted ink pixels (pixel squares' corners are covered by +-0.5), or
 * null for a blank image.
 */
function inkBox(src: Float32Array, h: number, w: number, t: Distortion) {
  const { a, b, c, d } = t;
  const cx = w / 2, cy = h / 2;
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (src[y * w + x] <= INK_LEVEL) continue;
      const px = x + 0.5 - cx, py = y + 0.5 - cy;
      const tx = a * px + b * py, ty = c * px + d * py;
      if (tx < minX) minX = tx;
      if (tx > maxX) maxX = tx;
      if (ty < minY) minY = ty;
      if (ty > maxY) maxY = ty;
    }
  }
  if (minX === Infinity) return null;
  return { minX: minX - 0.5, maxX: maxX + 0.5, minY: minY - 0.5, maxY: maxY + 0.5 };
}

/** Resamples the distorted, fitted and shifted digit into the 32 x 32 grey bitmap. */
function resample(
  src: Float32Array,
  h: number,
  w: number,
  t: Distortion,
  box: { minX: number; maxX: number; minY: number; maxY: number },
  grey: Float32Array,
): void {
  const { a, b, c, d } = t, { minX, maxX, minY, maxY } = box;
  const cx = w / 2, cy = h / 2;
  const boxW = maxX - minX, boxH = maxY - minY;
  const fit = (BITMAP_SIZE * t.scale) / Math.max(boxW, boxH);
  const midX = (minX + maxX) / 2, midY = (minY + maxY) / 2;
  // Keep the shifted box inside the bitmap.
  const slackX = Math.max(0, (BITMAP_SIZE - boxW * fit) / 2);
  const slackY = Math.max(0, (BITMAP_SIZE - boxH * fit) / 2);
  const offX = Math.max(-slackX, Math.min(slackX, t.shiftX));
  const offY = Math.max(-slackY, Math.min(slackY, t.shiftY));
  // Inverse of A for sampling.
  const det = a * d - b * c;
  const ia = d / det, ib = -b / det, ic = -c / det, id = a / det;
  for (let v = 0; v < BITMAP_SIZE; v++) {
    for (let u = 0; u < BITMAP_SIZE; u++) {
      const tx = midX + (u + 0.5 - BITMAP_SIZE / 2 - offX) / fit;
      const ty = midY + (v + 0.5 - BITMAP_SIZE / 2 - offY) / fit;
      const sx = ia * tx + ib * ty + cx - 0.5;
      const sy = ic * tx + id * ty + cy - 0.5;
      grey[v * BITMAP_SIZE + u] = bilinear(src, h, w, sx, sy);
    }
  }
}

/**
 * Blurs the grey bitmap (thickening the support of the strokes) until at least `k` pixels carry
 * ink, at most MAX_BLURS times, thresholds at the k-th brightest pixel (the ink fraction is
 * `ink`), and counts the ink pixels of each 4 x 4 block into `out`.
 */
function thresholdToBlocks(work: Workspace, ink: number, out: Float32Array): void {
  const grey = work.grey, blurred = work.blurred;
  const k = Math.max(1, Math.round(ink * BITMAP_SIZE * BITMAP_SIZE));
  blur3(grey, blurred);
  for (let pass = 1; pass < MAX_BLURS && countAbove(blurred, MIN_GREY) < k; pass++) {
    grey.set(blurred);
    blur3(grey, blurred);
  }
  // Ties (saturated stroke interiors) are broken by one more blur: pixels deeper inside a
  // stroke win, so a thick digit is thinned evenly from its edges.
  blur3(blurred, grey);
  for (let i = 0; i < blurred.length; i++) blurred[i] += TIE_BREAK * grey[i];
  const sorted = work.sorted;
  sorted.set(blurred);
  sorted.sort();
  const threshold = Math.max(sorted[sorted.length - k], MIN_GREY);
  // Exactly k ink pixels: all above the threshold, then those equal to it in raster order.
  let equalQuota = k;
  for (const v of blurred) if (v > threshold) equalQuota--;
  for (let v = 0; v < BITMAP_SIZE; v++) {
    for (let u = 0; u < BITMAP_SIZE; u++) {
      const value = blurred[v * BITMAP_SIZE + u];
      if (value > threshold || (value === threshold && equalQuota-- > 0)) {
        out[((v / BLOCK_SIZE) | 0) * REDUCED_SIZE + ((u / BLOCK_SIZE) | 0)] += 1;
      }
    }
  }
}

function reduceOne(
  src: Float32Array,
  h: number,
  w: number,
  options: ReductionOptions,
  work: Workspace,
  out: Float32Array,
): void {
  const t = drawDistortion(options);
  const box = inkBox(src, h, w, t);
  out.fill(0);
  if (box === null) return; // blank image
  resample(src, h, w, t, box, work.grey);
  thresholdToBlocks(work, t.ink, out);
}

function bilinear(src: Float32Array, h: number, w: number, x: number, y: number): number {
  const x0 = Math.floor(x), y0 = Math.floor(y);
  const fx = x - x0, fy = y - y0;
  const at = (yy: number, xx: number) =>
    yy < 0 || yy >= h || xx < 0 || xx >= w ? 0 : src[yy * w + xx];
  return (1 - fy) * ((1 - fx) * at(y0, x0) + fx * at(y0, x0 + 1)) +
    fy * ((1 - fx) * at(y0 + 1, x0) + fx * at(y0 + 1, x0 + 1));
}

/** 3 x 3 binomial blur ([1 2 1] x [1 2 1] / 16) with zero padding. */
function blur3(src: Float32Array, dst: Float32Array): void {
  const n = BITMAP_SIZE;
  const tmp = new Float32Array(n * n);
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      const l = x > 0 ? src[y * n + x - 1] : 0, r = x < n - 1 ? src[y * n + x + 1] : 0;
      tmp[y * n + x] = (l + 2 * src[y * n + x] + r) / 4;
    }
  }
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      const u = y > 0 ? tmp[(y - 1) * n + x] : 0, dn = y < n - 1 ? tmp[(y + 1) * n + x] : 0;
      dst[y * n + x] = (u + 2 * tmp[y * n + x] + dn) / 4;
    }
  }
}
