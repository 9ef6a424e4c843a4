/**
 * The RDP accountant: composes mechanisms (steps of DP-SGD with any sampling rate and noise
 * multiplier, Gaussian and Laplace releases) order by order and reports the (epsilon, delta)
 * guarantee of everything so far.
 *
 * @module
 */
import { type Conversion, type EpsilonAtOrder, rdpToEpsilon } from "./conversion.ts";
import { DEFAULT_ORDERS, subsampledGaussianRdp } from "./rdp.ts";

/**
 * Accumulates an RDP curve over a fixed set of orders.
 *
 * @example
 * ```ts
 * import { RdpAccountant } from "./rdp_accountant.ts";
 * const acc = new RdpAccountant();
 * acc.composeSubsampledGaussian({ sampleRate: 256 / 60000, noiseMultiplier: 1.12, steps: 14063 });
 * acc.getEpsilon(1e-5, "classic").epsilon; // about 2.92
 * ```
 */
export class RdpAccountant {
  /** The orders the curve is kept at. */
  readonly orders: readonly number[];
  private readonly rdp: Float64Array;

  /** Starts with no privacy spent. */
  constructor(orders: readonly number[] = DEFAULT_ORDERS) {
    if (orders.length === 0) throw new RangeError("expected at least one RDP order, received none");
    for (const a of orders) {
      if (!(a > 1)) throw new RangeError(`expected RDP orders > 1, received ${a}`);
    }
    this.orders = Object.freeze([...orders]);
    this.rdp = new Float64Array(orders.length);
  }

  /** Adds an RDP curve (one value per order, same orders). */
  compose(rdp: ArrayLike<number>): this {
    if (rdp.length !== this.orders.length) {
      throw new RangeError(
        `expected ${this.orders.length} RDP values (one per order), received ${rdp.length}`,
      );
    }
    for (let k = 0; k < rdp.length; k++) {
      if (!(rdp[k] >= 0)) throw new RangeError(`expected RDP values >= 0, received ${rdp[k]}`);
      this.rdp[k] += rdp[k];
    }
    return this;
  }

  /** Adds `steps` steps of the Poisson-subsampled Gaussian mechanism (DP-SGD). */
  composeSubsampledGaussian(
    p: { sampleRate: number; noiseMultiplier: number; steps: number },
  ): this {
    return this.compose(
      subsampledGaussianRdp(p.sampleRate, p.noiseMultiplier, p.steps, this.orders),
    );
  }

  /** A copy of the RDP curve so far. */
  curve(): Float64Array {
    return this.rdp.slice();
  }

  /** The (epsilon, delta) guarantee of everything composed so far. */
  getEpsilon(delta: number, conversion: Conversion = "tight"): EpsilonAtOrder {
    return rdpToEpsilon(this.orders, this.rdp, delta, conversion);
  }
}

/** Parameters of a DP-SGD run for {@linkcode dpSgdEpsilon}. */
export interface DpSgdPrivacyParams {
  /** Noise std divided by the clipping norm. */
  noiseMultiplier: number;
  /** Poisson sampling rate (expected batch size / dataset size). */
  sampleRate: number;
  /** Number of noisy steps. */
  steps: number;
  /** Target delta. */
  delta: number;
  /** Conversion to (epsilon, delta); default `tight`. */
  conversion?: Conversion;
  /** RDP orders; default {@linkcode DEFAULT_ORDERS}. */
  orders?: readonly number[];
}

/**
 * The epsilon of DP-SGD with Poisson sampling.
 *
 * @example
 * ```ts
 * import { dpSgdEpsilon } from "./rdp_accountant.ts";
 * dpSgdEpsilon({ noiseMultiplier: 1.2, sampleRate: 256 / 60000, steps: 2344, delta: 1e-5,
 *   conversion: "classic" }); // { epsilon: about 1.20, order: 14 }
 * ```
 */
export function dpSgdEpsilon(p: DpSgdPrivacyParams): EpsilonAtOrder {
  return new RdpAccountant(p.orders)
    .composeSubsampledGaussian(p)
    .getEpsilon(p.delta, p.conversion);
}

/** The number of steps of `epochs` passes at sampling rate `q`: `ceil(epochs / q)`. */
export function stepsForEpochs(epochs: number, sampleRate: number): number {
  if (!(epochs >= 0 && Number.isFinite(epochs))) {
    throw new RangeError(`expected a finite number of epochs >= 0, received ${epochs}`);
  }
  if (!(sampleRate > 0 && sampleRate <= 1)) {
    throw new RangeError(`expected a sample rate in (0, 1], received ${sampleRate}`);
  }
  return Math.ceil(epochs / sampleRate - 1e-9);
}
