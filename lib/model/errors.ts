/** Errors raised when a quantized model document is malformed or inconsistent. @module */

/**
 * A model document that cannot be used: its message names the layer (index and name) and the
 * field, and says what was expected and what was received.
 */
export class ModelFormatError extends Error {
  /** Index of the offending layer in `layers`, when the problem is inside a layer. */
  readonly layer?: number;
  /** Dotted path of the offending field, e.g. `layers[2].weights.sign`. */
  readonly field: string;

  /** Builds the error; `message` should say what was expected and what was received. */
  constructor(field: string, message: string, layer?: number) {
    super(`${field}: ${message}`);
    this.name = "ModelFormatError";
    this.field = field;
    this.layer = layer;
  }
}
