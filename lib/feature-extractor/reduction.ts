/**
 * Public reductions of wide embeddings: a linear map from the extractor's features to the head's
 * input width, fitted on PUBLIC data only (PCA) or drawn from a seed (a Gaussian random
 * projection). It is stored in the model file (`preprocessing.reduction`) and applied by the
 * client in plaintext, so it costs nothing under encryption and nothing in privacy.
 *
 * @module
 */
import seedrandom from "seedrandom";
import type { LinearReduction } from "../model/mod.ts";
import { ExtractorError } from "./errors.ts";

/**
 * `y = matrix . (x - mean)` for each of `count` rows of `x` (`count x input_dim`, row-major).
 *
 * @throws {ExtractorError} when `x` does not hold `count` rows of `input_dim` features.
 *
 * @example
 * ```ts
 * import { applyReduction } from "./reduction.ts";
 * const r = randomProjection(4, 2, "seed");
 * const y = applyReduction(new Float32Array([1, 2, 3, 4]), 1, r); // 2 values
 * ```
 */
export function applyReduction(
  x: Float32Array,
  count: number,
  r: LinearReduction,
): Float32Array {
  const n = r.input_dim, m = r.output_dim;
  if (x.length !== count * n) {
    throw new ExtractorError(
      `expected ${count} feature vectors of width ${n} (the reduction's input_dim), received ` +
        `${x.length} values`,
    );
  }
  const out = new Float32Array(count * m);
  const centred = new Float64Array(n);
  for (let row = 0; row < count; row++) {
    for (let j = 0; j < n; j++) centred[j] = x[row * n + j] - r.mean[j];
    for (let i = 0; i < m; i++) {
      let s = 0;
      const base = i * n;
      for (let j = 0; j < n; j++) s += r.matrix[base + j] * centred[j];
      out[row * m + i] = s;
    }
  }
  return out;
}

/** Rounds to float32 precision and 7 significant digits, to keep model files small. */
function compact(v: number): number {
  return Number(Math.fround(v).toPrecision(7));
}

/**
 * A Gaussian random projection `input_dim -> output_dim` with entries `N(0, 1 / output_dim)`
 * drawn from `seedrandom(seed)` (Box-Muller). Needs no data; the matrix itself is stored, so
 * clients never re-draw it.
 */
export function randomProjection(
  inputDim: number,
  outputDim: number,
  seed: string,
): LinearReduction {
  checkDims(inputDim, outputDim);
  const rng = seedrandom(seed);
  const sd = 1 / Math.sqrt(outputDim);
  const matrix = Array.from({ length: inputDim * outputDim }, () => {
    const u = 1 - rng(), v = rng();
    return compact(sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
  });
  return {
    kind: "random_projection",
    input_dim: inputDim,
    output_dim: outputDim,
    mean: new Array(inputDim).fill(0),
    matrix,
    source: `Gaussian N(0, 1/${outputDim}) entries from seedrandom(${JSON.stringify(seed)})`,
  };
}

function checkDims(inputDim: number, outputDim: number): void {
  if (!Number.isInteger(inputDim) || !Number.isInteger(outputDim) || outputDim < 1) {
    throw new RangeError(
      `expected integer widths with 1 <= output <= input, received ${inputDim} -> ${outputDim}`,
    );
  }
  if (outputDim > inputDim) {
    throw new RangeError(
      `expected a reduction to at most the input width ${inputDim}, received ${outputDim}`,
    );
  }
}

/** Orthonormalises the columns of `q` (`n x k`, row-major) in place (modified Gram-Schmidt). */
function orthonormalise(q: Float64Array, n: number, k: number): void {
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < a; b++) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += q[i * k + a] * q[i * k + b];
      for (let i = 0; i < n; i++) q[i * k + a] -= dot * q[i * k + b];
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += q[i * k + a] ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < n; i++) q[i * k + a] /= norm;
  }
}

/** Options of {@linkcode fitPca}. */
export interface PcaOptions {
  /** Subspace iterations (default 8). */
  iterations?: number;
  /** Seed of the starting subspace (default "pca"). */
  seed?: string;
}

/**
 * PCA of PUBLIC features (`count x inputDim`, row-major): the top `outputDim` principal
 * directions by block power (subspace) iteration on the covariance, `y = V^T (x - mean)`.
 *
 * @param source names the public data (it goes into the model file for people to check).
 * @throws {RangeError} for widths out of range or fewer rows than `outputDim`.
 *
 * @example
 * ```ts
 * import { fitPca } from "./reduction.ts";
 * const r = fitPca(publicFeatures, 1000, 3969, 64, "public MNIST train, 1000 images");
 * ```
 */
export function fitPca(
  x: Float32Array,
  count: number,
  inputDim: number,
  outputDim: number,
  source: string,
  options: PcaOptions = {},
): LinearReduction {
  checkDims(inputDim, outputDim);
  if (count < outputDim || x.length !== count * inputDim) {
    throw new RangeError(
      `expected at least ${outputDim} public rows of width ${inputDim}, received ${x.length} ` +
        `values (${count} rows)`,
    );
  }
  const n = inputDim, k = outputDim;
  const mean = new Float64Array(n);
  for (let r = 0; r < count; r++) for (let j = 0; j < n; j++) mean[j] += x[r * n + j] / count;
  const rng = seedrandom(options.seed ?? "pca");
  const q = Float64Array.from({ length: n * k }, () => rng() - 0.5);
  orthonormalise(q, n, k);
  const proj = new Float64Array(k), next = new Float64Array(n * k), c = new Float64Array(n);
  for (let it = 0; it < (options.iterations ?? 8); it++) {
    next.fill(0);
    for (let r = 0; r < count; r++) {
      for (let j = 0; j < n; j++) c[j] = x[r * n + j] - mean[j];
      proj.fill(0);
      for (let j = 0; j < n; j++) {
        const cj = c[j];
        if (cj !== 0) { for (let a = 0; a < k; a++) proj[a] += cj * q[j * k + a]; }
      }
      for (let j = 0; j < n; j++) {
        const cj = c[j];
        if (cj !== 0) { for (let a = 0; a < k; a++) next[j * k + a] += cj * proj[a]; }
      }
    }
    q.set(next);
    orthonormalise(q, n, k);
  }
  const matrix = new Array(k * n);
  for (let a = 0; a < k; a++) for (let j = 0; j < n; j++) matrix[a * n + j] = compact(q[j * k + a]);
  return {
    kind: "pca",
    input_dim: n,
    output_dim: k,
    mean: Array.from(mean, compact),
    matrix,
    source,
  };
}
