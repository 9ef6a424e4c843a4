/**
 * Model files on the Deno file system: the only module of `lib/model` that touches `Deno.*`, so
 * the rest of the package (format, validation, compilation, input spec) is browser-safe.
 *
 * @example
 * ```ts
 * import { readModel, writeModel } from "./files.ts";
 * const model = await readModel("models/head/uci_digits.json");
 * await writeModel("/tmp/uci_digits.json", model);
 * ```
 *
 * @module
 */
import type { QuantizedModel } from "./format.ts";
import { parseModel, parseModelJson } from "./parse.ts";

/**
 * Reads and validates a model file.
 *
 * @throws {ModelFormatError} when the file is not a valid model (`Deno.errors.NotFound` when it
 * does not exist).
 */
export async function readModel(path: string | URL): Promise<QuantizedModel> {
  return parseModelJson(await Deno.readTextFile(path));
}

/** Writes a model file (validated first, so a broken model is never written). */
export async function writeModel(path: string | URL, model: QuantizedModel): Promise<void> {
  parseModel(model);
  await Deno.writeTextFile(path, JSON.stringify(model) + "\n");
}
