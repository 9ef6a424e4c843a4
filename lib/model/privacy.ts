/**
 * What a model's differential-privacy claim is worth, for the server: whether it may be served
 * at all (a head trained with seeded, replayable noise is refused unless the operator opts in
 * with `FCN_ALLOW_SEEDED_NOISE=1`), and the privacy statement `GET /v1/model` publishes, with
 * what the guarantee does not cover.
 *
 * @example
 * ```ts
 * import { readModel } from "./files.ts";
 * import { allowSeededNoiseFromEnv, checkNoiseSource, privacyStatement } from "./privacy.ts";
 * const model = await readModel("models/head/uci_digits.json");
 * checkNoiseSource(model, {
 *   allowSeededNoise: allowSeededNoiseFromEnv(Deno.env.get("FCN_ALLOW_SEEDED_NOISE")),
 * });
 * console.log(privacyStatement(model)); // { epsilon: 3, ..., noise_source: "crypto", private: true }
 * ```
 *
 * @module
 */
import type { NoiseSource, PrivacyMetadata, QuantizedModel } from "./format.ts";

/** The environment variable that lets the server load a model trained with seeded noise. */
export const ALLOW_SEEDED_NOISE_ENV = "FCN_ALLOW_SEEDED_NOISE";

/** The model field that says where the DP noise came from. */
const NOISE_SOURCE_FIELD = "metadata.privacy.noise_source";

/**
 * What a DP-SGD guarantee of this project's heads does not cover, stated in every card, every
 * model's `metadata.privacy.not_covered` and `GET /v1/model` (used when a model's privacy block
 * carries no list of its own).
 */
export const DP_NOT_COVERED: readonly string[] = Object.freeze([
  "the choice of hyperparameters (learning rate, batch size, epochs, clipping norm, widths, " +
  "activation), made on a validation split carved out of the private training split; that " +
  "search is not accounted",
  "the accuracy figures, which are computed on the private test split, and the test records " +
  "themselves (the training never reads them, so they get no protection from it)",
  "other trainings on the same private data (accuracy sweeps, the hyperparameter search, " +
  "earlier or later models): each spends its own budget, and whatever they publish composes " +
  "with this one",
  "the public feature extractor (or standardiser) and the data it was fitted on (public " +
  "MNIST), which are public by assumption",
  "the sizes of the training and test splits, treated as public (as in Opacus and TF Privacy)",
  "groups of records: neighbouring data sets differ by adding or removing one example, so a " +
  "person with k records gets only the weaker group guarantee (about k times the epsilon)",
  "exact real arithmetic: the noise is sampled in float64 (several Gaussian samples summed, " +
  "Holohan and Braghin 2021) and added to float32 gradients; the proof covers the real-valued " +
  "mechanism",
  "side channels of the training run (timing, memory) and the secrecy of the training " +
  "machine's state",
]);

/** The accountants a privacy block may name in `accountant_id`. */
const ACCOUNTANT_IDS = ["pld", "rdp"] as const;

/**
 * What is wrong with the accounting fields of a privacy block, or null. When `accountant_id`
 * is given it must be `"pld"` or `"rdp"`, and both totals must be given beside
 * it (`epsilon_pld` and `epsilon_rdp`, finite numbers > 0), the named accountant's equal to
 * `epsilon` (to the 6 decimals the card keeps): the claim names its accountant and keeps the
 * other figure.
 *
 * @example
 * ```ts
 * import { accountingProblem } from "./privacy.ts";
 * accountingProblem({ epsilon: 3, delta: 1e-5, noise_source: "crypto", accountant_id: "pld",
 *   epsilon_pld: 3, epsilon_rdp: 3.2 }); // null
 * ```
 */
export function accountingProblem(
  p: PrivacyMetadata,
): { field: string; message: string } | null {
  const id = p.accountant_id;
  if (id === undefined) return null;
  if (!(ACCOUNTANT_IDS as readonly unknown[]).includes(id)) {
    return {
      field: "accountant_id",
      message: `expected "pld" or "rdp", received ${JSON.stringify(id)}`,
    };
  }
  for (const field of ["epsilon_pld", "epsilon_rdp"]) {
    const v = p[field];
    if (typeof v !== "number" || !(v > 0) || !Number.isFinite(v)) {
      return {
        field,
        message: `expected a finite number > 0 beside accountant_id ${JSON.stringify(id)}, ` +
          `received ${v === undefined ? "nothing" : JSON.stringify(v)}`,
      };
    }
  }
  const named = p[`epsilon_${id}`] as number;
  if (Math.abs(named - p.epsilon) > 1e-6 * Math.max(1, p.epsilon)) {
    return {
      field: `epsilon_${id}`,
      message: `expected the epsilon of the named accountant (${id}) to equal epsilon ` +
        `${p.epsilon}, received ${named}`,
    };
  }
  return null;
}

/**
 * The model's noise is seeded (replayable) and the operator did not opt in with
 * `FCN_ALLOW_SEEDED_NOISE=1`, or that variable has a value other than `1`.
 */
export class SeededNoiseError extends Error {
  /** The offending field or variable, e.g. `metadata.privacy.noise_source`. */
  readonly field: string;

  /** Builds the error; `message` says what was expected and what was received. */
  constructor(message: string, field: string = NOISE_SOURCE_FIELD) {
    super(message);
    this.name = "SeededNoiseError";
    this.field = field;
  }
}

/** Options of {@linkcode checkNoiseSource}. */
export interface NoiseSourceOptions {
  /** Serve a model whose DP noise was seeded (it is then published as not private). */
  allowSeededNoise: boolean;
}

/**
 * Reads `FCN_ALLOW_SEEDED_NOISE`: unset or empty is `false`, `1` is `true`.
 *
 * @throws {SeededNoiseError} for any other value (naming the variable), so a typo such as
 * `true` or `yes` is not silently read as either answer.
 */
export function allowSeededNoiseFromEnv(value: string | undefined): boolean {
  if (value === undefined || value === "") return false;
  if (value === "1") return true;
  throw new SeededNoiseError(
    `${ALLOW_SEEDED_NOISE_ENV}: expected 1 (or unset), received ${JSON.stringify(value)}`,
    ALLOW_SEEDED_NOISE_ENV,
  );
}

/**
 * Refuses a model whose DP noise was seeded (`metadata.privacy.noise_source` is `"seeded"`, or
 * anything but `"crypto"` in a document `parseModel` has not checked) unless
 * `allowSeededNoise`. A model with `"crypto"` noise, or with no privacy block (no DP claim,
 * which {@linkcode privacyStatement} says), passes.
 *
 * @throws {SeededNoiseError} naming `metadata.privacy.noise_source` and the opt-in
 * `FCN_ALLOW_SEEDED_NOISE=1`.
 */
export function checkNoiseSource(model: QuantizedModel, options: NoiseSourceOptions): void {
  const p = model.metadata?.privacy;
  if (p !== undefined && p.noise_source !== "crypto" && !options.allowSeededNoise) {
    throw new SeededNoiseError(
      `model ${JSON.stringify(model.name)}: ${NOISE_SOURCE_FIELD}: expected "crypto" (secret DP ` +
        `noise), received ${
          JSON.stringify(p.noise_source ?? null)
        }: its noise can be replayed from the seed, so its ` +
        `(epsilon ${p.epsilon}, delta ${p.delta}) claim protects nobody. Retrain without --seeded-noise, or set ` +
        `${ALLOW_SEEDED_NOISE_ENV}=1 to serve it anyway (GET /v1/model then marks it not private)`,
    );
  }
}

/** The privacy statement of `GET /v1/model`. */
export interface PrivacyStatement {
  /** The claimed epsilon (null: no DP claim). */
  epsilon: number | null;
  /** The claimed delta (null: no DP claim). */
  delta: number | null;
  /** How the guarantee was computed (null when unknown or no claim). */
  accountant: string | null;
  /** The accountant of `epsilon` (`pld` or `rdp`), when the model names it. */
  accountant_id?: "pld" | "rdp";
  /** The same guarantee's epsilon by RDP, beside a PLD one (when the model carries it). */
  epsilon_rdp?: number;
  /** The same guarantee's epsilon by PLD (when the model carries it). */
  epsilon_pld?: number;
  /** Where the noise came from (null: no DP claim). */
  noise_source: NoiseSource | null;
  /** True only for a DP claim whose noise was secret (`"crypto"`). */
  private: boolean;
  /** What the guarantee does not cover. */
  not_covered: string[];
  /** Why the model is not private (present exactly when `private` is false). */
  note?: string;
}

/**
 * The privacy statement of a parsed model: its DP claim, `private: true` only for `"crypto"`
 * noise, what the guarantee does not cover (the model's own list, else
 * {@linkcode DP_NOT_COVERED}), and a note when the model is not private.
 */
export function privacyStatement(model: QuantizedModel): PrivacyStatement {
  const p = model.metadata?.privacy;
  if (p === undefined) {
    return {
      epsilon: null,
      delta: null,
      accountant: null,
      noise_source: null,
      private: false,
      not_covered: ["the training data: the model makes no differential-privacy claim"],
      note: "no differential-privacy claim: the model has no metadata.privacy block",
    };
  }
  const seeded = p.noise_source !== "crypto";
  return {
    epsilon: p.epsilon,
    delta: p.delta,
    accountant: p.accountant ?? null,
    ...(p.accountant_id === undefined ? {} : {
      accountant_id: p.accountant_id as "pld" | "rdp",
      epsilon_rdp: p.epsilon_rdp as number,
      epsilon_pld: p.epsilon_pld as number,
    }),
    noise_source: p.noise_source,
    private: !seeded,
    not_covered: [...(p.not_covered ?? DP_NOT_COVERED)],
    ...(seeded
      ? {
        note: `NOT private: the DP noise came from a seeded, reproducible generator ` +
          `(${NOISE_SOURCE_FIELD} = "seeded"); anyone who knows the seed and the other records ` +
          `can replay the training, so the (epsilon, delta) figure gives no protection. ` +
          `For experiments and tests only.`,
      }
      : {}),
  };
}
