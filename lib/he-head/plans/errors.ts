/**
 * Errors plans throw that callers catch by type.
 *
 * @module
 */

/**
 * Evaluation keys lack what a plan needs (relinearisation keys, the public key of a flooded
 * plan, a Galois key for a rotation step). The function answers it 422 `missing-keys`.
 */
export class MissingKeysError extends Error {
  /**
   * Creates a {@linkcode MissingKeysError}.
   *
   * @param message what the plan needs and what was received
   */
  constructor(message: string) {
    super(message);
    this.name = "MissingKeysError";
  }
}
