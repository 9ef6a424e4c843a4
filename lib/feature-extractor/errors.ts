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
