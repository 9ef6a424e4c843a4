/** Errors callers of the MNIST CryptoNets package may want to catch. @module */

/**
 * An argument, option or file that cannot be used: the message says what was expected and what
 * was received.
 */
export class MnistVariantError extends Error {
  /** Builds the error. */
  constructor(message: string) {
    super(message);
    this.name = "MnistVariantError";
  }
}
