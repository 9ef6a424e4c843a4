/** Errors raised when an extractor cannot be loaded or used. @module */

/**
 * A model file, its metadata, or an option does not describe a usable extractor (missing weight
 * file, unknown feature layer, wrong input shape, no quantization spec). The message says what
 * was expected and what was received.
 */
export class ExtractorError extends Error {
  /** Builds the error; `message` should say what was expected and what was received. */
  constructor(message: string) {
    super(message);
    this.name = "ExtractorError";
  }
}

/** The model expects another extractor than the one loaded. */
export class ExtractorMismatchError extends ExtractorError {
  /** The id the model names. */
  readonly expected: string;
  /** The id of the files that were loaded. */
  readonly received: string;
  /** Builds the error from both ids and where the files came from. */
  constructor(expected: string, received: string, source: string) {
    super(
      `expected the extractor the head was trained on (${expected}), received ${received} ` +
        `from ${source}`,
    );
    this.name = "ExtractorMismatchError";
    this.expected = expected;
    this.received = received;
  }
}
