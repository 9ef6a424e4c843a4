/**
 * A user's CSV file (`deno task train --data FILE.csv --label COLUMN`) as the head's integer
 * features: parsed, split (or paired with `--test-data`), and standardised with PUBLIC upper
 * bounds per column (`f = sqrt(clamp(x / upper, 0, 1))`, 5-bit quantization), never with
 * statistics of the private rows.
 *
 * @module
 */
import { type CsvTable, DataError, fractionSplit, readCsvTable, subset } from "../datasets/mod.ts";
import { type InputSpec, tabularStandardizer } from "../feature-extractor/mod.ts";
import { DP_BOUNDS_NOISE_MULTIPLIER, type PrivateFeatures } from "./private_features.ts";
import { dpTabularBounds } from "./mechanisms/dp_bounds.ts";
import { UsageError } from "./errors.ts";
import { CLASSES_FROM_DATA, type OwnDataOptions } from "./own_data.ts";

/** Integers of the standardised columns: `[0, 31]` at scale 2^-5, as the breast cancer head. */
const BITS = 5;

/** The public upper bound of each column, from `o.upperBounds` (not `"dp"`). */
function upperOf(columns: readonly string[], o: OwnDataOptions): number[] {
  const given = o.upperBounds as number | Record<string, number> | undefined;
  if (given === undefined) {
    throw new UsageError(
      `--upper-bounds: expected public upper bounds of the columns ${JSON.stringify(columns)} ` +
        "(a number for all, or a JSON file {column: bound}), or dp for bounds estimated with " +
        "differential privacy: bounds computed plainly from the private rows would leak them, " +
        "received none",
    );
  }
  return columns.map((c) => {
    const u = typeof given === "number" ? given : given[c];
    if (!(typeof u === "number" && u > 0 && Number.isFinite(u))) {
      throw new UsageError(
        `--upper-bounds: expected a positive public upper bound for column ${JSON.stringify(c)}, ` +
          `received ${JSON.stringify(u)}`,
      );
    }
    return u;
  });
}

function splitOf(table: CsvTable, o: OwnDataOptions): [CsvTable, CsvTable] {
  const split = fractionSplit(table.y, table.classes, o.testFraction, o.splitSeed, o.data);
  const part = (idx: number[], name: string) => ({
    ...subset(table, idx, `${table.name}/${name}`),
    columns: table.columns,
  });
  return [part(split.train, "train"), part(split.test, "test")];
}

/**
 * Loads a CSV file into integer features with the public standardisation.
 *
 * @throws {DataError} for the file's problems (see {@linkcode readCsvTable}), or a test file
 *   whose feature columns differ from the training file's.
 * @throws {UsageError} when `--label` or a column's public upper bound is missing.
 */
export async function csvTableFeatures(o: OwnDataOptions): Promise<PrivateFeatures> {
  if (o.label === undefined) {
    throw new UsageError(
      "--label: expected the name of the label column of the CSV file, received none",
    );
  }
  const options = { label: o.label, ignore: o.ignore ?? [] };
  const all = await readCsvTable(o.data, {
    ...options,
    ...(o.classes ? { classes: o.classes } : {}),
  });
  let train: CsvTable, test: CsvTable;
  if (o.testData !== undefined) {
    train = all;
    test = await readCsvTable(o.testData, { ...options, classes: all.classes });
    if (test.columns.join("\n") !== train.columns.join("\n")) {
      throw new DataError(
        { path: o.testData, line: 1 },
        `expected the training file's feature columns ${JSON.stringify(train.columns)}, ` +
          `received ${JSON.stringify(test.columns)}`,
      );
    }
  } else {
    [train, test] = splitOf(all, o);
  }
  const dim = train.columns.length;
  const quantization: InputSpec = { shape: [dim], min: 0, max: 2 ** BITS - 1, scale_log2: BITS };
  const name = (o.data.split("/").pop() ?? o.data).replace(/\.csv$/i, "");
  const notCovered = o.classes ? {} : { notCovered: [CLASSES_FROM_DATA] };
  if (o.upperBounds === "dp") {
    return { ...await dpBoundsFeatures(name, train, test, quantization, o), ...notCovered };
  }
  const upper = upperOf(train.columns, o);
  const std = await tabularStandardizer(`${name}-public-sqrt`, train.columns, upper, quantization);
  return {
    dataset: name,
    features: "extractor",
    train: { x: std.transformQuantized(train.x, train.count), y: train.y, count: train.count },
    test: { x: std.transformQuantized(test.x, test.count), y: test.y, count: test.count },
    input: std.quantization,
    classes: train.classes,
    extractor: { id: std.id, name: std.name, feature_layer: "standardized" },
    preprocessing: `CSV columns ${JSON.stringify(train.columns)}: sqrt(clamp(x / public upper ` +
      `bound, 0, 1)) (bounds given by the user), quantized to [0, ${
        2 ** BITS - 1
      }] at scale 2^-${BITS}`,
    bounds: {
      source: "user",
      lower: upper.map(() => 0),
      upper,
      method: "public upper bounds given by the user (--upper-bounds), lower bounds 0",
    },
    ...notCovered,
  };
}

/**
 * `--upper-bounds dp`: lower and upper bounds of every column from `dpTabularBounds` on the
 * training rows; its cost travels with the training examples (`spent`) into the ledger.
 */
async function dpBoundsFeatures(
  name: string,
  train: CsvTable,
  test: CsvTable,
  quantization: InputSpec,
  o: OwnDataOptions,
): Promise<PrivateFeatures> {
  const b = dpTabularBounds(train.x, train.count, train.columns, {
    noiseMultiplier: o.boundsNoiseMultiplier ?? DP_BOUNDS_NOISE_MULTIPLIER,
    ...(o.boundsRandom ? { random: o.boundsRandom } : {}),
  });
  const std = await tabularStandardizer(
    `${name}-dp-bounds-sqrt`,
    train.columns,
    b.upper,
    quantization,
    b.lower,
  );
  const x = (t: CsvTable) => std.transformQuantized(t.x, t.count);
  return {
    dataset: name,
    features: "extractor",
    train: { x: x(train), y: train.y, count: train.count, spent: [b.cost] },
    test: { x: x(test), y: test.y, count: test.count },
    input: std.quantization,
    classes: train.classes,
    extractor: { id: std.id, name: std.name, feature_layer: "standardized" },
    preprocessing: `CSV columns ${JSON.stringify(train.columns)}: sqrt(clamp((x - lower) / ` +
      `(upper - lower), 0, 1)) with per-column ${b.method}; quantized to [0, ${
        2 ** BITS - 1
      }] at scale 2^-${BITS}`,
    bounds: { source: "dp", lower: b.lower, upper: b.upper, method: b.method },
  };
}
