/** Tiny synthetic private data for the DP training tests. @module */
import type { InputSpec } from "../../lib/model/format.ts";
import {
  type IntegerExamples,
  type PrivateHeadOptions,
  seededRandom,
} from "../../lib/dp-training/mod.ts";

/** The input format of the synthetic features: 4-bit integers at scale 2^-2. */
export const SYNTHETIC_INPUT: InputSpec = { shape: [6], min: 0, max: 15, scale_log2: 2 };

/** `count` examples of `classes` Gaussian blobs in 6 dimensions, quantized to 0..15. */
export function syntheticExamples(count: number, classes: number, seed: string): IntegerExamples {
  const r = seededRandom(seed);
  const centers = Array.from(
    { length: classes },
    (_, c) => Array.from({ length: 6 }, (_, k) => 4 + 8 * (((c * 7 + k * 3) % 5) / 4)),
  );
  const x = new Int32Array(count * 6), y = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    y[i] = i % classes;
    for (let k = 0; k < 6; k++) {
      x[i * 6 + k] = Math.min(15, Math.max(0, Math.round(centers[y[i]][k] + 1.5 * r.normal())));
    }
  }
  return { x, y, count };
}

/**
 * Options of a tiny private head on the synthetic data (eps 8, 4 epochs), with overrides. The
 * noise is SEEDED (`<seed>/noise`) so runs are reproducible; pass `noiseRandom: undefined` for
 * the default, secret noise.
 */
export function tinyHeadOptions(
  seed: string | number,
  overrides: Partial<PrivateHeadOptions> = {},
): PrivateHeadOptions {
  return {
    train: syntheticExamples(60, 3, "train"),
    test: syntheticExamples(30, 3, "test"),
    input: SYNTHETIC_INPUT,
    classes: ["a", "b", "c"],
    name: "tiny",
    hidden: [4],
    activation: { kind: "relu-aq", coefficients: [0.125, 0.5, 0.25] },
    privacy: { targetEpsilon: 8, delta: 1e-5 },
    epochs: 4,
    batchSize: 15,
    clipNorm: 1,
    learningRate: 0.05,
    sparsity: 0.5,
    pruneSteps: 1,
    random: seededRandom(seed),
    noiseRandom: seededRandom(`${seed}/noise`),
    ...overrides,
  };
}
