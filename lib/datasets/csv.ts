/**
 * A strict reader for the small numeric CSV files of the committed tabular data sets (no header
 * handling, no quotes expected), on npm `csv-parse` like the users' files of `csv_table.ts`.
 *
 * @module
 */
import { parse } from "csv-parse/sync";
import { DatasetFormatError } from "./errors.ts";

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Parses comma-separated rows of numbers, each with exactly `columns` fields. Blank lines at the
 * end are ignored; any other malformed line is an error.
 *
 * @param text The CSV text (without any header line the caller handles itself).
 * @param file Name used in error messages.
 * @param columns Expected number of fields per row.
 * @param firstLine 1-based line number of the first row in the file (for messages).
 * @throws {DatasetFormatError} on a row with the wrong number of fields or a non-numeric field.
 */
export function parseNumericCsv(
  text: string,
  file: string,
  columns: number,
  firstLine = 1,
): number[][] {
  let rows: { record: string[]; info: { lines: number } }[];
  try {
    rows = parse(text.replace(/(\r?\n\s*)+$/, ""), {
      delimiter: ",",
      info: true,
      relax_column_count: true,
    }) as unknown as typeof rows;
  } catch (e) {
    throw new DatasetFormatError(file, `expected comma-separated numbers: ${(e as Error).message}`);
  }
  return rows.map(({ record, info }) => {
    const line = firstLine + info.lines - 1;
    if (record.length !== columns) {
      throw new DatasetFormatError(
        file,
        `line ${line}: expected ${columns} comma-separated fields, received ${record.length}`,
      );
    }
    return record.map((field, j) => {
      const v = NUMBER.test(field.trim()) ? Number(field) : NaN;
      if (!Number.isFinite(v)) {
        throw new DatasetFormatError(
          file,
          `line ${line}, field ${j + 1}: expected a number, received ` +
            JSON.stringify(field.slice(0, 20)),
        );
      }
      return v;
    });
  });
}
