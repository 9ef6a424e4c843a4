/**
 * The `--data` options of `deno task train` (the user's own image folder or CSV file), parsed
 * and validated into {@linkcode TrainDataOptions}; every bad value is a {@linkcode UsageError}
 * naming the option, what was expected and what was received.
 *
 * @module
 */
import { OWN_DATA_SPLIT_SEED } from "../../lib/dp-training/mod.ts";
import { UsageError } from "./usage.ts";
import { num, positive } from "./option_values.ts";

/** The `--data` options of {@linkcode TrainOptions} (see `train_options.ts`). */
export interface TrainDataOptions {
  /** `--data`: the user's folder of class sub-folders or CSV file (then `dataset` is unused). */
  data?: string;
  /** `--label` (CSV). */
  label?: string;
  /** `--ignore` (CSV): columns to leave out. */
  ignore: string[];
  /** `--test-data`: held-out data in the same form as `--data`. */
  testData?: string;
  /** `--test-fraction`: share of `--data` held out (stratified, seeded). */
  testFraction: number;
  /** `--split-seed`. */
  splitSeed: string;
  /** `--classes`: the PUBLIC class names (else read from the private labels, noted on the card). */
  classes?: string[];
  /** `--upper-bounds` (CSV): public upper bound of every column, or per column. */
  upperBounds?: number | Record<string, number> | "dp";
}

/** The usage lines of the `--data` options. */
export const TRAIN_DATA_USAGE =
  `  --data DIR|FILE.csv                  your own data instead: a folder with one sub-folder of
                                       PNG/JPEG/PGM images per class, or a CSV file (docs/own_data.md)
  --label COLUMN                       CSV: the label column (string or numeric labels)
  --ignore COLUMN[,COLUMN...]          CSV: columns to leave out (e.g. an id)
  --upper-bounds N|FILE.json           CSV: PUBLIC upper bound of every column, or a JSON object
                                       {column: bound} (never computed from the private rows),
                                       or dp: lower and upper bounds estimated by a DP noisy
                                       histogram whose cost is in the privacy ledger
  --classes A,B,...                    the PUBLIC class names (CSV label values or class folder
                                       names); a row or folder outside them is an error. Without
                                       it the names are read from the private data (the model card
                                       notes it: a rare label names its record)
  --test-data DIR|FILE.csv             held-out data in the same form (default: a split of --data)
  --test-fraction F                    share of --data held out, stratified and seeded, in (0, 1)
                                       (default 0.2)
  --split-seed S                       seed of that split (default ${OWN_DATA_SPLIT_SEED})`;

/** The `parseArgs` table of the `--data` options. */
export const TRAIN_DATA_ARGS = {
  data: { type: "string" },
  label: { type: "string" },
  ignore: { type: "string" },
  classes: { type: "string" },
  "upper-bounds": { type: "string" },
  "test-data": { type: "string" },
  "test-fraction": { type: "string", default: "0.2" },
  "split-seed": { type: "string", default: OWN_DATA_SPLIT_SEED },
} as const;

/** A model file name from the `--data` path: its base name without `.csv`, in `[a-z0-9_]`. */
export function ownModelName(data: string): string {
  const base = data.replace(/\/+$/, "").split("/").pop()!.replace(/\.csv$/i, "");
  return base.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_|_$/g, "") || "own_data";
}

/** `--upper-bounds N|FILE.json`: one bound for all columns, or a JSON object {column: bound}. */
function upperBoundsOf(arg: string): number | Record<string, number> | "dp" {
  if (arg.trim() === "dp") return "dp";
  if (/^\s*[0-9.eE+]+\s*$/.test(arg)) return positive("upper-bounds", arg);
  let doc: unknown;
  try {
    doc = JSON.parse(Deno.readTextFileSync(arg));
  } catch (e) {
    throw new UsageError(
      `--upper-bounds: expected a number or a JSON file {column: bound}, received ${
        JSON.stringify(arg)
      } (${(e as Error).message})`,
    );
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
    throw new UsageError(`--upper-bounds: expected a JSON object {column: bound} in ${arg}`);
  }
  return doc as Record<string, number>;
}

/** `--classes A,B,...`: at least two distinct non-empty names. */
function classesOf(arg: string): string[] {
  const names = arg.split(",").map((c) => c.trim());
  if (names.length < 2 || names.some((c) => c === "") || new Set(names).size !== names.length) {
    throw new UsageError(
      `--classes: expected at least 2 distinct non-empty class names separated by commas, ` +
        `received ${JSON.stringify(arg)}`,
    );
  }
  return names;
}

/**
 * The `--data` options from `parseArgs` values. Without `--data` the CSV and test-data options
 * are refused.
 *
 * @throws {UsageError} for `--data` with `--dataset`, CSV options with a folder, a CSV without
 *   `--label`, a test fraction outside `(0, 1)`, or unreadable `--upper-bounds`.
 */
export function parseTrainDataArgs(
  v: Record<string, string | boolean | undefined>,
): TrainDataOptions {
  const s = (k: string) => v[k] as string | undefined;
  const testFraction = num(
    "test-fraction",
    s("test-fraction")!,
    (x) => x > 0 && x < 1,
    "a number in (0, 1)",
  );
  const common = { ignore: [] as string[], testFraction, splitSeed: s("split-seed")! };
  const data = s("data");
  if (data === undefined) {
    for (const k of ["label", "ignore", "upper-bounds", "test-data", "classes"]) {
      if (s(k) !== undefined) throw new UsageError(`--${k}: expected only with --data`);
    }
    return common;
  }
  if (s("dataset") !== undefined) {
    throw new UsageError(`--data: expected either --dataset or --data, received both`);
  }
  if (!/\.csv$/i.test(data)) {
    for (const k of ["label", "ignore", "upper-bounds"]) {
      if (s(k) !== undefined) {
        throw new UsageError(`--${k}: expected only with a CSV file as --data, received a folder`);
      }
    }
  } else if (s("label") === undefined) {
    throw new UsageError("--label: expected the label column of the CSV file, received none");
  }
  return {
    ...common,
    data,
    ignore: s("ignore")?.split(",").map((c) => c.trim()).filter(Boolean) ?? [],
    ...(s("label") === undefined ? {} : { label: s("label") }),
    ...(s("test-data") === undefined ? {} : { testData: s("test-data") }),
    ...(s("classes") === undefined ? {} : { classes: classesOf(s("classes")!) }),
    ...(s("upper-bounds") === undefined ? {} : { upperBounds: upperBoundsOf(s("upper-bounds")!) }),
  };
}
