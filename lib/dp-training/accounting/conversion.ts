/**
 * Conversion of an RDP curve to an (epsilon, delta) guarantee.
 *
 * - `tight` (the default): Balle, Barthe, Gaboardi, Hsu and Sato 2020, Proposition 12, as used
 *   by current Opacus and Google's dp_accounting:
 *   `eps = rdp + log((alpha - 1) / alpha) - (log(delta) + log(alpha)) / (alpha - 1)`.
 * - `classic`: Mironov 2017, Proposition 3, as used by the original TF Privacy accountant:
 *   `eps = rdp + log(1 / delta) / (alpha - 1)`.
 *
 * Both are upper bounds valid at every order; the reported epsilon is the minimum over orders.
 *
 * @module
 */
import { checkDelta } from "../../check/mod.ts";

/** Which RDP-to-(epsilon, delta) conversion to use. */
export type Conversion = "tight" | "classic";

/** The conversions, for argument checking. */
export const CONVERSIONS: readonly Conversion[] = ["tight", "classic"];

/** An (epsilon, delta) guarantee and the RDP order that attained it. */
export interface EpsilonAtOrder {
  /** The smallest epsilon over the orders. */
  epsilon: number;
  /** The order at which it was attained (NaN when no order gives a finite epsilon). */
  order: number;
}

/**
 * The epsilon at `delta` of a mechanism whose RDP at `orders[i]` is `rdp[i]`.
 *
 * @example
 * ```ts
 * import { rdpToEpsilon } from "./conversion.ts";
 * const { epsilon, order } = rdpToEpsilon([2, 4, 8], [0.1, 0.2, 0.4], 1e-5, "classic");
 * ```
 * @throws {RangeError} for mismatched lengths, a negative RDP value, an order <= 1 or delta
 * outside (0, 1).
 */
export function rdpToEpsilon(
  orders: readonly number[],
  rdp: ArrayLike<number>,
  delta: number,
  conversion: Conversion = "tight",
): EpsilonAtOrder {
  checkDelta(delta);
  if (orders.length !== rdp.length || orders.length === 0) {
    throw new RangeError(
      `expected one RDP value per order (${orders.length} orders), received ${rdp.length}`,
    );
  }
  if (!CONVERSIONS.includes(conversion)) {
    throw new RangeError(`expected conversion "tight" or "classic", received "${conversion}"`);
  }
  let best = Infinity, bestOrder = NaN;
  for (let k = 0; k < orders.length; k++) {
    const a = orders[k], r = rdp[k];
    if (!(a > 1)) throw new RangeError(`expected RDP orders > 1, received ${a}`);
    if (!(r >= 0)) throw new RangeError(`expected RDP values >= 0, received ${r} at order ${a}`);
    let eps: number;
    if (conversion === "classic") {
      eps = r - Math.log(delta) / (a - 1);
    } else if (delta * delta + Math.expm1(-r) >= 0) {
      // delta^2 >= 1 - e^-r: the guarantee holds with epsilon 0 (dp_accounting's special case).
      eps = 0;
    } else {
      eps = r + Math.log1p(-1 / a) - Math.log(delta * a) / (a - 1);
    }
    if (eps < best) {
      best = eps;
      bestOrder = a;
    }
  }
  return { epsilon: Math.max(0, best), order: bestOrder };
}
