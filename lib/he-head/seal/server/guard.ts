/**
 * The server never holds a secret key: this guard replaces SEAL's secret-key classes (key
 * generator, secret key, decryptor) in the server's isolate with constructors that throw, so a
 * code path that tried to create one would fail loudly instead of quietly holding one.
 *
 * @module
 */
import type { Seal } from "../runtime.ts";

/** Names of the SEAL classes the server must never construct. */
export const SECRET_KEY_CLASSES = ["KeyGenerator", "SecretKey", "Decryptor"] as const;

/** Thrown when server code tries to construct a secret-key class. */
export class SecretKeyForbiddenError extends Error {
  /** An error naming the class `name` that was about to be constructed. */
  constructor(name: string) {
    super(`the server never holds a secret key: constructing SEAL's ${name} is forbidden here`);
    this.name = "SecretKeyForbiddenError";
  }
}

/** Installs the guard on a SEAL module (idempotent). */
export function forbidSecretKeys(seal: Seal): void {
  const s = seal as unknown as Record<string, unknown>;
  for (const name of SECRET_KEY_CLASSES) {
    s[name] = function forbidden() {
      throw new SecretKeyForbiddenError(name);
    };
  }
}
