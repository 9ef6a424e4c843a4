/** Errors raised by the data set loaders. @module */

/**
 * A data file exists but its content is not what the loader expects (wrong magic number, wrong
 * count, truncated, malformed row). The message names the file and says what was expected and
 * what was received.
 */
export class DatasetFormatError extends Error {
  /** Path or name of the offending file. */
  readonly file: string;

  /** Builds the error; `message` should say what was expected and what was received. */
  constructor(file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = "DatasetFormatError";
    this.file = file;
  }
}

/**
 * An optional data set is not installed on this machine (e.g. Fashion-MNIST without Debian's
 * `dataset-fashion-mnist` package). Callers that treat the data set as optional catch this.
 */
export class DatasetUnavailableError extends Error {
  /** Where the loader looked. */
  readonly path: string;

  /** Builds the error; `hint` says how to make the data set available. */
  constructor(path: string, hint: string) {
    super(`data set not found at ${path}: ${hint}`);
    this.name = "DatasetUnavailableError";
    this.path = path;
  }
}

/** Where in the user's data a {@linkcode DataError} was found. */
export interface DataLocation {
  /** The file or folder (as the user named it). */
  path: string;
  /** 1-based line of a CSV file (the header is line 1). */
  line?: number;
  /** Column name of a CSV file. */
  column?: string;
}

/**
 * The user's own data (`deno task train --data DIR|FILE.csv`) cannot be used as it is: an
 * unreadable or corrupt image, an empty class folder, a single class, a non-numeric CSV cell, a
 * missing label column, duplicate headers, an empty file. The message names the file (and the
 * line and column of a CSV cell) and says what was expected and what was received.
 */
export class DataError extends Error {
  /** The file or folder. */
  readonly path: string;
  /** 1-based line of a CSV file, when the error is about one line. */
  readonly line?: number;
  /** CSV column name, when the error is about one column. */
  readonly column?: string;

  /** Builds the error; `message` says what was expected and what was received. */
  constructor(where: DataLocation, message: string) {
    const at = [
      where.path,
      ...(where.line === undefined ? [] : [`line ${where.line}`]),
      ...(where.column === undefined ? [] : [`column ${JSON.stringify(where.column)}`]),
    ].join(", ");
    super(`${at}: ${message}`);
    this.name = "DataError";
    this.path = where.path;
    if (where.line !== undefined) this.line = where.line;
    if (where.column !== undefined) this.column = where.column;
  }
}
