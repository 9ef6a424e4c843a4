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
