/** A strict parser for the small numeric CSV files of the tabular data sets. @module */
import { DatasetFormatError } from "./errors.ts";

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
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1].trim() === "") lines.pop();
  return lines.map((line, k) => {
    const fields = line.split(",");
    if (fields.length !== columns) {
      throw new DatasetFormatError(
        file,
        `line ${firstLine + k}: expected ${columns} comma-separated fields, received ` +
          `${fields.length}`,
      );
    }
    return fields.map((field, j) => {
      const v = field.trim() === "" ? NaN : Number(field);
      if (!Number.isFinite(v)) {
        throw new DatasetFormatError(
          file,
          `line ${firstLine + k}, field ${j + 1}: expected a number, received ` +
            JSON.stringify(field.slice(0, 20)),
        );
      }
      return v;
    });
  });
}
