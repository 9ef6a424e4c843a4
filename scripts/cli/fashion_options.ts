/**
 * The command line of `deno task fashion-mnist`: usage text and the checked settings.
 *
 * @module
 */
import type { HeadSettings } from "../../experiments/fashion/mod.ts";
import { UsageError } from "./usage.ts";

/** The usage text. */
export const USAGE = `usage: deno task fashion-mnist --data DIR [options]
  --data DIR              folder written by deno task export:fashion-mnist (train/, test/,
                          public-mnist/)
  --dim K                 head input width after the public PCA (default 64)
  --bits B                bits of the signed quantized inputs (default 6)
  --epsilons E,E,...      DP targets, delta 1e-5 (default 1,3,8)
  --runs N                DP runs per epsilon, median reported (default 3)
  --train-per-class N     use the first N training images of each class (default all)
  --validate              test on the last 10% of the training folder, not the test split
  --encrypted N           test images (spread over the split) through every batched plan (default
                          20; one-query plans: 20)
  --epochs N              passes over the private data, all phases (default 20)
  --batch-size B          expected batch size (default 1024)
  --clip-norm C           clipping norm (default 1)
  --learning-rate R       Adam learning rate (default 0.01)
  --hidden N[,N]          hidden widths, 0 for a linear head (default 0)
  --sparsity S            target sparsity (default 0)
  --results DIR           output folder (default results/fashion_mnist)
  --cache FILE            reuse (or write) the extracted features (private data: keep it out
                          of the repository); --dim, --bits, --train-per-class are then the cache's
  --json                  the report as the last stdout line`;

/** The checked settings. */
export interface FashionSettings {
  /** `--dim`. */
  dim: number;
  /** `--bits`. */
  bits: number;
  /** `--epsilons`. */
  epsilons: number[];
  /** `--runs`. */
  runs: number;
  /** `--train-per-class`. */
  trainPerClass?: number;
  /** `--encrypted`. */
  encrypted: number;
  /** Head hyperparameters. */
  head: HeadSettings;
}

function num(name: string, v: string, ok: (x: number) => boolean, expected: string): number {
  const x = Number(v);
  if (v.trim() === "" || !ok(x)) {
    throw new UsageError(`--${name}: expected ${expected}, received ${JSON.stringify(v)}`);
  }
  return x;
}

const int = (name: string, v: string, min: number, max: number) =>
  num(
    name,
    v,
    (x) => Number.isInteger(x) && x >= min && x <= max,
    `an integer in [${min}, ${max}]`,
  );
const pos = (name: string, v: string) => num(name, v, (x) => x > 0 && isFinite(x), "a number > 0");

/** Checks the parsed option strings. @throws {UsageError} naming the option. */
export function settingsOf(v: Record<string, string | boolean | undefined>): FashionSettings {
  const s = (k: string) => String(v[k]);
  const hidden = s("hidden").trim() === "0"
    ? []
    : s("hidden").split(",").map((h) => int("hidden", h, 1, 1024));
  return {
    dim: int("dim", s("dim"), 1, 3969),
    bits: int("bits", s("bits"), 2, 16),
    epsilons: s("epsilons").split(",").map((e) => pos("epsilons", e)),
    runs: int("runs", s("runs"), 1, 100),
    ...(v["train-per-class"] === undefined
      ? {}
      : { trainPerClass: int("train-per-class", s("train-per-class"), 1, 6000) }),
    encrypted: int("encrypted", s("encrypted"), 0, 10_000),
    head: {
      hidden,
      epochs: pos("epochs", s("epochs")),
      batchSize: int("batch-size", s("batch-size"), 1, 60_000),
      clipNorm: pos("clip-norm", s("clip-norm")),
      learningRate: pos("learning-rate", s("learning-rate")),
      sparsity: num("sparsity", s("sparsity"), (x) => x >= 0 && x < 1, "a number in [0, 1)"),
      delta: 1e-5,
    },
  };
}
