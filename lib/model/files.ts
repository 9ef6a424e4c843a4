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

/**
 * Writes files so that none is ever seen half-written: each text goes to a temporary file next to
 * its target, and only when all are written are they renamed over the targets (a rename within a
 * folder is atomic). On failure the temporary files are removed and the targets are untouched.
 */
export async function writeTextFilesAtomic(files: Record<string, string>): Promise<void> {
  const temps: [string, string][] = [];
  try {
    for (const [path, text] of Object.entries(files)) {
      const temp = `${path}.tmp-${crypto.randomUUID().slice(0, 8)}`;
      temps.push([temp, path]);
      await Deno.writeTextFile(temp, text);
    }
    for (const [temp, path] of temps) await Deno.rename(temp, path);
  } catch (e) {
    for (const [temp] of temps) await Deno.remove(temp).catch(() => {});
    throw e;
  }
}

/**
 * Writes a model file (validated first, so a broken model is never written; atomically, so a
 * reader never sees half a file).
 */
export async function writeModel(path: string | URL, model: QuantizedModel): Promise<void> {
  parseModel(model);
  const file = path instanceof URL ? decodeURIComponent(path.pathname) : path;
  await writeTextFilesAtomic({ [file]: JSON.stringify(model) + "\n" });
}
