/**
 * Randomness for privacy. DP noise and Poisson sampling come from {@linkcode secureRandom}
 * (`crypto.getRandomValues`, with the summed Gaussian sampler of `secure_gaussian.ts`) unless a
 * caller asks, explicitly, for {@linkcode seededRandom} (`seedrandom`, bit-for-bit reproducible:
 * for initialisation, tests and experiments; noise drawn from it is public to anyone who knows
 * the seed, and a model trained with it is marked `noise_source: "seeded"`, not private). Both
 * produce uniform doubles with 53 random bits, standard normal variates and Laplace variates
 * (inverse distribution function).
 *
 * @module
 */
import seedrandom from "seedrandom";
import type { NoiseSource } from "../../model/mod.ts";
import { summedGaussian } from "./secure_gaussian.ts";

/** A source of random numbers for sampling and noise. */
export interface RandomSource {
  /** `seeded(<seed>)` or `secure`. */
  readonly name: string;
  /** Whether the numbers come from a cryptographically secure generator. */
  readonly secure: boolean;
  /** A uniform double in [0, 1) with 53 random bits. */
  uniform(): number;
  /** A standard normal variate. */
  normal(): number;
  /** A Laplace variate with scale `b` (density `e^{-|x|/b} / (2b)`). */
  laplace(b: number): number;
  /** Adds `std` times independent standard normal variates to every entry, in place. */
  addNormalNoise(values: Float32Array | Float64Array, std: number): void;
}

abstract class BoxMuller implements RandomSource {
  abstract readonly name: string;
  abstract readonly secure: boolean;
  abstract uniform(): number;
  private spare: number | null = null;

  normal(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    const u1 = 1 - this.uniform(); // (0, 1]
    const u2 = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.spare = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  }

  laplace(b: number): number {
    const u = this.uniform() - 0.5; // [-0.5, 0.5)
    const sign = u < 0 ? -1 : 1;
    return -b * sign * Math.log(1 - 2 * Math.abs(u));
  }

  addNormalNoise(values: Float32Array | Float64Array, std: number): void {
    if (!(std >= 0)) throw new RangeError(`expected a noise std >= 0, received ${std}`);
    for (let i = 0; i < values.length; i++) values[i] += std * this.normal();
  }
}

class SeededRandom extends BoxMuller {
  readonly secure = false;
  readonly name: string;
  private readonly prng: seedrandom.PRNG;
  constructor(seed: string | number) {
    super();
    this.name = `seeded(${seed})`;
    this.prng = seedrandom(String(seed));
  }
  uniform(): number {
    return this.prng.double();
  }
}

class SecureRandom extends BoxMuller {
  readonly secure = true;
  readonly name = "secure";
  private readonly buf = new Uint32Array(16384); // 64 KiB, the most one call may fill
  private pos = this.buf.length;
  private next32(): number {
    if (this.pos >= this.buf.length) {
      crypto.getRandomValues(this.buf);
      this.pos = 0;
    }
    return this.buf[this.pos++];
  }
  uniform(): number {
    const hi = this.next32() >>> 5; // 27 bits
    const lo = this.next32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }
  /** Four Box-Muller variates summed and halved (Holohan and Braghin 2021). */
  override normal(): number {
    return summedGaussian(() => super.normal());
  }
}

/**
 * A reproducible generator: the same seed gives the same sequence, bit for bit. Noise drawn from
 * it is NOT secret; use it for initialisation, tests and experiments.
 *
 * @example
 * ```ts
 * import { seededRandom } from "./random.ts";
 * const rng = seededRandom(1);
 * const z = rng.normal();
 * ```
 */
export function seededRandom(seed: string | number): RandomSource {
  return new SeededRandom(seed);
}

/**
 * A generator drawing from `crypto.getRandomValues` (not reproducible, not predictable), whose
 * normal variates are sums of four Box-Muller variates divided by two (see
 * {@linkcode summedGaussian}): the default for every DP mechanism.
 */
export function secureRandom(): RandomSource {
  return new SecureRandom();
}

/** The model's `noise_source` for DP noise drawn from `random`: `crypto` when it is secure. */
export function noiseSourceOf(random: RandomSource): NoiseSource {
  return random.secure ? "crypto" : "seeded";
}

/**
 * The generator of DP sampling and noise for a training run: {@linkcode secureRandom} by
 * default, {@linkcode seededRandom}(`<seed>/dp-sgd`) only when `seededNoise` is asked for.
 *
 * @example
 * ```ts
 * import { dpNoiseRandom } from "./random.ts";
 * dpNoiseRandom({ seededNoise: false, seed: "1" }).secure; // true
 * ```
 */
export function dpNoiseRandom(o: { seededNoise: boolean; seed: string }): RandomSource {
  return o.seededNoise ? seededRandom(`${o.seed}/dp-sgd`) : secureRandom();
}
