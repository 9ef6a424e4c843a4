/**
 * The command line of `deno task privacy`, parsed and validated.
 *
 * @module
 */
import {
  type Accountant,
  ACCOUNTANTS,
  type Conversion,
  CONVERSIONS,
  dpSgdEpsilon,
  dpSgdEpsilonPld,
  stepsForEpochs,
} from "../../lib/dp-training/mod.ts";
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
  /** The accountant whose epsilon is reported (PLD also prints RDP beside it). */
  accountant: Accountant;
  /** Print the JSON line. */
  json: boolean;
}

/** The usage text. */
export const PRIVACY_USAGE =
  `usage: deno task privacy --noise-multiplier S --sample-rate Q (--steps T | --epochs E) --delta D
  [--accountant pld|rdp] [--conversion tight|classic] [--json]
  Epsilon of DP-SGD with Poisson sampling; --epochs E means ceil(E / Q) steps.
  --accountant pld (default): privacy loss distributions composed by FFT, a pessimistic
    (never below the true epsilon) and tighter figure; the RDP figure is printed beside it.
  --accountant rdp: the RDP accountant alone. --conversion is RDP's conversion to (eps, delta).`;

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
      accountant: { type: "string", default: "pld" },
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
  const accountant = values.accountant as Accountant;
  if (!ACCOUNTANTS.includes(accountant)) {
    throw new UsageError(
      `--accountant: expected pld or rdp, received ${JSON.stringify(values.accountant)}`,
    );
  }
  return { noiseMultiplier, sampleRate, steps, delta, conversion, accountant, json: values.json! };
}

/** What `deno task privacy` reports: a human line and the JSON record. */
export interface PrivacyReport {
  /** The human-readable line (for stderr). */
  line: string;
  /** The JSON record: `epsilon` (of the chosen accountant), `accountant`, `rdp_epsilon`, `order`,
   * `pld_epsilon` and `pld_interval` (PLD only) and the inputs. */
  json: Record<string, number | string>;
}

/**
 * Computes the epsilon of `deno task privacy` with the chosen accountant (RDP always, beside PLD).
 *
 * @example
 * ```ts
 * import { parsePrivacyArgs, privacyReport } from "./privacy_options.ts";
 * privacyReport(parsePrivacyArgs(["--noise-multiplier", "1.1", "--sample-rate", "0.01",
 *   "--steps", "100", "--delta", "1e-5"])).json.epsilon;
 * ```
 */
export function privacyReport(o: PrivacyOptions): PrivacyReport {
  const rdp = dpSgdEpsilon(o);
  const pld = o.accountant === "pld" ? dpSgdEpsilonPld(o) : undefined;
  const rdpText = `RDP ${rdp.epsilon.toFixed(4)} (order ${rdp.order}, ${o.conversion} conversion)`;
  const inputs =
    `noise multiplier ${o.noiseMultiplier}, sample rate ${o.sampleRate}, ${o.steps} steps`;
  const line = pld
    ? `epsilon ${pld.epsilon.toFixed(4)} at delta ${o.delta} (PLD, grid ${pld.interval}; ` +
      `${rdpText}): ${inputs}`
    : `epsilon ${rdp.epsilon.toFixed(4)} at delta ${o.delta} (${rdpText}): ${inputs}`;
  return {
    line,
    json: {
      epsilon: pld ? pld.epsilon : rdp.epsilon,
      accountant: o.accountant,
      ...(pld ? { pld_epsilon: pld.epsilon, pld_interval: pld.interval } : {}),
      rdp_epsilon: rdp.epsilon,
      order: rdp.order,
      delta: o.delta,
      noise_multiplier: o.noiseMultiplier,
      sample_rate: o.sampleRate,
      steps: o.steps,
      conversion: o.conversion,
    },
  };
}
