/**
 * Learning-rate schedules: the rate of one optimizer step, passed to an optimizer's `step` as
 * its `learningRate` (see `optimizer.ts`).
 *
 * @module
 */

/**
 * The cosine schedule from `start` to `end` over `steps` steps: step 0 gives `start`, step
 * `steps` (and later) gives `end`; `steps <= 0` gives `end`.
 *
 * @example
 * ```ts
 * import { cosineRate } from "./schedule.ts";
 * cosineRate(0, 100, 1e-3, 1e-5); // 0.001
 * cosineRate(100, 100, 1e-3, 1e-5); // 0.00001
 * ```
 */
export function cosineRate(step: number, steps: number, start: number, end: number): number {
  const t = steps <= 0 ? 1 : Math.min(1, Math.max(0, step / steps));
  return end + 0.5 * (start - end) * (1 + Math.cos(Math.PI * t));
}
