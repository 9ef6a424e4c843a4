/**
 * A user's CSV file as spreadsheets write it, parsed by npm `csv-parse`: a header row, quoted
 * fields (with commas, semicolons, quotes or line breaks inside), CRLF or LF line ends, an
 * optional UTF-8 byte-order mark, blank lines skipped. The delimiter is the one of `,` `;` or tab
 * that occurs most often outside quotes in the header line. One column holds the label (string
 * or numeric); every other column (minus any the caller ignores) must hold a number in every row.
 * With `;` as delimiter a decimal comma (`1,5`) is read as a decimal point, as spreadsheets in
 * such locales write it.
 *
 * @module
 */
import { parse } from "csv-parse/sync";
import type { Dataset } from "./dataset.ts";
import { DataError } from "./errors.ts";

/** Options of {@linkcode readCsvTable}. */
export interface CsvTableOptions {
  /** Name of the label column (as in the header). */
  label: string;
  /** Header names of columns to leave out (e.g. an id). */
  ignore?: readonly string[];
  /**
   * Class names to use (e.g. the training file's, when reading a test file); by default the
   * label values found, sorted (numerically when all are numbers).
   */
  classes?: readonly string[];
}

/** A parsed table: numeric features and their labels, as a {@linkcode Dataset}. */
export interface CsvTable extends Dataset {
  /** The feature columns, in file order (shape is `[columns.length]`). */
  columns: string[];
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function detectDelimiter(text: string): string {
  const first = (text.match(/^[^\r\n]*/) ?? [""])[0].replace(/"[^"]*"/g, "");
  const counts = [",", ";", "\t"].map((d) => [d, first.split(d).length - 1] as const);
  counts.sort((a, b) => b[1] - a[1]);
  return counts[0][1] > 0 ? counts[0][0] : ",";
}

/** Class names in order: numerically when every value is a number, else by code point. */
function classNamesOf(values: Iterable<string>): string[] {
  const unique = [...new Set(values)];
  if (unique.every((v) => NUMBER.test(v))) return unique.sort((a, b) => Number(a) - Number(b));
  return unique.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

type Row = { record: string[]; info: { lines: number } };

function parseRows(path: string, text: string): Row[] {
  try {
    return parse(text, {
      bom: true,
      delimiter: detectDelimiter(text.replace(/^\uFEFF/, "")),
      info: true,
      skip_empty_lines: true,
      trim: true,
    }) as unknown as Row[];
  } catch (e) {
    const err = e as Error & { lines?: number };
    throw new DataError(
      { path, ...(err.lines ? { line: err.lines } : {}) },
      `expected CSV (a header row, then rows of as many fields), received: ${err.message}`,
    );
  }
}

/** The header's column indices: features and label. */
function headerColumns(path: string, header: string[], options: CsvTableOptions) {
  const seen = new Map<string, number>();
  header.forEach((name, j) => {
    if (name === "") {
      throw new DataError(
        { path, line: 1 },
        `header field ${j + 1}: expected a column name, received ""`,
      );
    }
    if (seen.has(name)) {
      throw new DataError(
        { path, line: 1, column: name },
        `expected unique column names, received ${JSON.stringify(name)} in fields ` +
          `${seen.get(name)! + 1} and ${j + 1}`,
      );
    }
    seen.set(name, j);
  });
  const label = seen.get(options.label);
  if (label === undefined) {
    throw new DataError(
      { path, line: 1, column: options.label },
      `expected a label column ${JSON.stringify(options.label)}, received columns ` +
        JSON.stringify(header),
    );
  }
  for (const name of options.ignore ?? []) {
    if (!seen.has(name)) {
      throw new DataError(
        { path, line: 1, column: name },
        `expected the column to ignore in the header, received columns ${JSON.stringify(header)}`,
      );
    }
  }
  const features = header.map((_, j) => j).filter((j) =>
    j !== label && !(options.ignore ?? []).includes(header[j])
  );
  if (features.length === 0) {
    throw new DataError(
      { path, line: 1 },
      "expected at least one feature column besides the label",
    );
  }
  return { label, features };
}

/**
 * Reads a CSV file into numeric features and class labels.
 *
 * @throws {DataError} for an empty file, no data row, duplicate or empty header names, a missing
 *   label or ignored column, a row with another number of fields, an empty label, a label not
 *   in `options.classes`, fewer than two classes, or a feature cell that is not a number (the
 *   error names the line and the column).
 *
 * @example
 * ```ts
 * import { readCsvTable } from "./csv_table.ts";
 * const table = await readCsvTable("patients.csv", { label: "diagnosis", ignore: ["id"] });
 * console.log(table.columns, table.classes, table.count);
 * ```
 */
export async function readCsvTable(path: string, options: CsvTableOptions): Promise<CsvTable> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    throw new DataError({ path }, `expected a readable CSV file, received ${(e as Error).message}`);
  }
  const rows = parseRows(path, text);
  if (rows.length === 0) {
    throw new DataError({ path }, "expected a header row, received an empty file");
  }
  const header = rows[0].record;
  const { label, features } = headerColumns(path, header, options);
  if (rows.length < 2) {
    throw new DataError({ path }, "expected data rows after the header, received none");
  }
  const count = rows.length - 1;
  const x = new Float32Array(count * features.length);
  const labels: string[] = [];
  const decimalComma = detectDelimiter(text.replace(/^\uFEFF/, "")) === ";";
  for (let i = 0; i < count; i++) {
    const { record, info } = rows[i + 1];
    const at = (column?: string) => ({ path, line: info.lines, ...(column ? { column } : {}) });
    if (record[label] === "") {
      throw new DataError(at(options.label), "expected a label, received an empty cell");
    }
    labels.push(record[label]);
    features.forEach((j, k) => {
      const cell = decimalComma && /^[+-]?\d+,\d+$/.test(record[j])
        ? record[j].replace(",", ".")
        : record[j];
      if (!NUMBER.test(cell)) {
        throw new DataError(
          at(header[j]),
          `expected a number, received ${
            cell === "" ? "an empty cell" : JSON.stringify(cell.slice(0, 40))
          }`,
        );
      }
      x[i * features.length + k] = Number(cell);
    });
  }
  const classes = options.classes ? [...options.classes] : classNamesOf(labels);
  const index = new Map(classes.map((c, k) => [c, k]));
  const y = Int32Array.from(labels, (v, i) => {
    const k = index.get(v);
    if (k === undefined) {
      throw new DataError(
        { path, line: rows[i + 1].info.lines, column: options.label },
        `expected a label among ${JSON.stringify(classes)}, received ${JSON.stringify(v)}`,
      );
    }
    return k;
  });
  if (classes.length < 2) {
    throw new DataError(
      { path, column: options.label },
      `expected at least 2 classes, received ${classes.length} (${JSON.stringify(classes)})`,
    );
  }
  return {
    x,
    y,
    count,
    shape: [features.length],
    classes,
    name: path,
    columns: features.map((j) => header[j]),
  };
}
