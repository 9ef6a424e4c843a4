/** Galois elements of rotations, as SEAL numbers them (to check which keys a client sent). @module */

/**
 * SEAL's Galois element for a rotation by `step` slots in ring degree `n` (`3^step mod 2n`,
 * negative steps as `n/2 - |step|`; step 0 is the row swap `2n - 1`).
 *
 * @throws {RangeError} for `|step| >= n / 2`.
 */
export function galoisElement(step: number, n: number): number {
  const m = 2 * n;
  if (step === 0) return m - 1;
  const pos = Math.abs(step);
  if (!Number.isInteger(step) || pos >= n / 2) {
    throw new RangeError(`expected |step| < ${n / 2}, received ${step}`);
  }
  let e = step < 0 ? n / 2 - pos : pos;
  let g = 1;
  while (e-- > 0) g = (g * 3) % m;
  return g;
}
