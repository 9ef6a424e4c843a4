/**
 * The command line of `deno task privacy`, parsed and validated.
 *
 * @module
 */
import { type Conversion, CONVERSIONS, stepsForEpochs } from "../../lib/dp-training/mod.ts";
import { joinNegativeValues, parseOrThrow, UsageError } from "./usage.ts";

/** What `deno task privacy` computes. */
export interface PrivacyOptions {
  /** Noise std / clipping norm. */
  noiseMultiplier: number;
  /** Poisson sampling rate. */
  sampleRate: number;
  /** Number of steps (from --steps, or ceil(epochs / q)). */
  steps: number;
  /** Target delta. */
  delta: number;
  /** RDP-to-(epsilon, delta) conversion. */
  conversion: Conversion;
  /** Print the JSON line. */
  json: boolean;
}

/** The usage text. */
export const PRIVACY_USAGE =
  `usage: deno task privacy --noise-multiplier S --sample-rate Q (--steps T | --epochs E) --delta D
  [--conversion tight|classic] [--json]
  Epsilon of DP-SGD with Poisson sampling (RDP accountant); --epochs E means ceil(E / Q) steps.`;

/**
 * Parses the arguments of `deno task privacy`.
 *
 * @example
 * ```ts
 * import { parsePrivacyArgs } from "./privacy_options.ts";
 * parsePrivacyArgs(["--noise-multiplier", "1.1", "--sample-rate", "0.004267", "--epochs", "60",
 *   "--delta", "1e-5"]);
 * ```
 * @throws {UsageError} for a missing, unknown or out-of-range option.
 */
export function parsePrivacyArgs(args: string[]): PrivacyOptions {
  const { values } = parseOrThrow({
    args: joinNegativeValues(args),
    options: {
      "noise-multiplier": { type: "string" },
      "sample-rate": { type: "string" },
      steps: { type: "string" },
      epochs: { type: "string" },
      delta: { type: "string" },
      conversion: { type: "string", default: "tight" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) throw new UsageError(PRIVACY_USAGE);
  const need = (name: string): string => {
    const v = (values as Record<string, string | boolean | undefined>)[name];
    if (typeof v !== "string" || v.trim() === "") {
      throw new UsageError(`--${name}: expected a value, received none\n${PRIVACY_USAGE}`);
    }
    return v;
  };
  const number = (name: string, ok: (x: number) => boolean, expected: string): number => {
    const v = need(name), x = Number(v);
    if (Number.isNaN(x) || !ok(x)) {
      throw new UsageError(`--${name}: expected ${expected}, received ${JSON.stringify(v)}`);
    }
    return x;
  };
  const noiseMultiplier = number(
    "noise-multiplier",
    (x) => x > 0 && Number.isFinite(x),
    "a number > 0",
  );
  const sampleRate = number("sample-rate", (x) => x > 0 && x <= 1, "a number in (0, 1]");
  const delta = number("delta", (x) => x > 0 && x < 1, "a number in (0, 1)");
  if ((values.steps === undefined) === (values.epochs === undefined)) {
    throw new UsageError(
      `expected exactly one of --steps and --epochs, received ${
        values.steps === undefined ? "neither" : "both"
      }`,
    );
  }
  const steps = values.steps !== undefined
    ? number("steps", (x) => Number.isInteger(x) && x >= 0, "a whole number >= 0")
    : stepsForEpochs(
      number("epochs", (x) => x >= 0 && Number.isFinite(x), "a number >= 0"),
      sampleRate,
    );
  const conversion = values.conversion as Conversion;
  if (!CONVERSIONS.includes(conversion)) {
    throw new UsageError(
      `--conversion: expected tight or classic, received ${JSON.stringify(values.conversion)}`,
    );
  }
  return { noiseMultiplier, sampleRate, steps, delta, conversion, json: values.json! };
}
