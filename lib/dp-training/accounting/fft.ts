/**
 * A small iterative radix-2 complex FFT on `Float64Array`s and the linear convolution of two
 * real sequences built on it, for composing privacy loss distributions.
 *
 * @module
 */

/** Twiddle tables by size, computed directly (no recurrence) so errors do not accumulate. */
const TWIDDLES = new Map<number, { cos: Float64Array; sin: Float64Array }>();

function twiddles(n: number): { cos: Float64Array; sin: Float64Array } {
  let t = TWIDDLES.get(n);
  if (!t) {
    const cos = new Float64Array(n / 2), sin = new Float64Array(n / 2);
    for (let k = 0; k < n / 2; k++) {
      cos[k] = Math.cos((2 * Math.PI * k) / n);
      sin[k] = Math.sin((2 * Math.PI * k) / n);
    }
    t = { cos, sin };
    TWIDDLES.set(n, t);
  }
  return t;
}

/**
 * The in-place discrete Fourier transform `X[k] = sum_j x[j] e^{-2 pi i jk/n}` of the complex
 * sequence `re + i im` (or, with `inverse`, `x[j] = (1/n) sum_k X[k] e^{+2 pi i jk/n}`).
 *
 * @example
 * ```ts
 * import { fft } from "./fft.ts";
 * const re = Float64Array.of(1, 0, 0, 0), im = new Float64Array(4);
 * fft(re, im); // re = [1, 1, 1, 1]
 * ```
 * @throws {RangeError} when the length is not a power of two or the arrays differ in length.
 */
export function fft(re: Float64Array, im: Float64Array, inverse = false): void {
  const n = re.length;
  if (im.length !== n) {
    throw new RangeError(`expected equal lengths, received ${n} and ${im.length}`);
  }
  if (n === 0 || (n & (n - 1)) !== 0) {
    throw new RangeError(`expected a power-of-two length, received ${n}`);
  }
  // Bit-reversal permutation.
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      let t = re[i];
      re[i] = re[j];
      re[j] = t;
      t = im[i];
      im[i] = im[j];
      im[j] = t;
    }
  }
  const { cos, sin } = twiddles(n);
  const sign = inverse ? 1 : -1;
  for (let len = 2; len <= n; len <<= 1) {
    const half = len >> 1, stride = n / len;
    for (let start = 0; start < n; start += len) {
      for (let k = 0; k < half; k++) {
        const wr = cos[k * stride], wi = sign * sin[k * stride];
        const a = start + k, b = a + half;
        const xr = re[b] * wr - im[b] * wi, xi = re[b] * wi + im[b] * wr;
        re[b] = re[a] - xr;
        im[b] = im[a] - xi;
        re[a] += xr;
        im[a] += xi;
      }
    }
  }
  if (inverse) {
    for (let i = 0; i < n; i++) {
      re[i] /= n;
      im[i] /= n;
    }
  }
}

/** The smallest power of two >= `n` (at least 1). */
export function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/**
 * The linear convolution `c[k] = sum_j a[j] b[k - j]` of two real sequences (length
 * `a.length + b.length - 1`), by one complex FFT of `a + i b` and one inverse FFT. Entries carry
 * floating-point errors of order 1e-16 times the largest products' sum.
 *
 * @example
 * ```ts
 * import { convolve } from "./fft.ts";
 * convolve(Float64Array.of(1, 1), Float64Array.of(1, 2, 1)); // about [1, 3, 3, 1]
 * ```
 */
export function convolve(a: Float64Array, b: Float64Array): Float64Array {
  if (a.length === 0 || b.length === 0) return new Float64Array(0);
  const m = a.length + b.length - 1, n = nextPowerOfTwo(m);
  const re = new Float64Array(n), im = new Float64Array(n);
  re.set(a);
  im.set(b);
  fft(re, im);
  // With Z = A + iB for real a, b: A[k] = (Z[k] + conj Z[n-k]) / 2, B[k] = (Z[k] - conj Z[n-k]) / 2i,
  // and A B = (Z[k]^2 - conj(Z[n-k])^2) / 4i.
  const outRe = new Float64Array(n), outIm = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const j = (n - k) & (n - 1);
    const zr = re[k], zi = im[k], wr = re[j], wi = -im[j];
    const sr = zr * zr - zi * zi - (wr * wr - wi * wi), si = 2 * zr * zi - 2 * wr * wi;
    // (sr + i si) / 4i = (si - i sr) / 4
    outRe[k] = si / 4;
    outIm[k] = -sr / 4;
  }
  fft(outRe, outIm, true);
  return outRe.slice(0, m);
}
