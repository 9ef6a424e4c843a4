/**
 * The folder of the extractor the served model names (its `preprocessing.extractor.source`),
 * resolved safely for `GET /extractor/<file>`: only a repository-relative folder of plain
 * segments (letters, digits, `.`, `_`, `-`, none starting with `.`, hence no `..` and no absolute
 * path), whose real path (symbolic links followed) lies inside the repository's `models/` folder
 * (whoever writes the model must not choose to serve test vectors, keys or checkpoints); only
 * `model.json` and `.bin` weight shards are served from it, at most
 * {@linkcode MAX_EXTRACTOR_FILE_BYTES} each.
 *
 * @module
 */
import type { PreprocessingBlock } from "../../lib/model/mod.ts";
import { StaticFolder } from "./static_files.ts";

/** Largest extractor file served (`model.json` or one weight shard). */
export const MAX_EXTRACTOR_FILE_BYTES = 64 * 1024 * 1024;

/** A folder path relative to the repository: plain segments, optionally `model.json` last. */
const FOLDER =
  /^(?:\.\/)?([A-Za-z0-9][A-Za-z0-9._-]{0,127}(?:\/[A-Za-z0-9][A-Za-z0-9._-]{0,127}){0,7})\/?$/;

/** The repository root (the function's files are `functions/` under it). */
const ROOT = new URL("../../", import.meta.url);

/** A served extractor file name: `model.json` or a `.bin` shard. */
export function isExtractorFile(name: string): boolean {
  return name === "model.json" || /^[A-Za-z0-9][A-Za-z0-9._-]{0,123}\.bin$/.test(name);
}

/**
 * The repository-relative folder `source` names, or null when it is not a plain relative path
 * (absolute, a URL, `..`, a hidden segment, too deep).
 */
export function extractorFolderPath(source: string | undefined): string | null {
  if (source === undefined) return null;
  const m = FOLDER.exec(source.replace(/\/model\.json$/, ""));
  return m ? m[1] : null;
}

/** The folder of the served model's extractor, or why none is served. */
export type ExtractorFolder = { readonly folder: StaticFolder } | { readonly refused: string };

/**
 * The static folder of the served model's extractor, or the reason none is served: the model has
 * no preprocessing block, names no source, or names one that is not a folder under `models/`
 * (after symbolic links are followed).
 */
export async function extractorFolder(
  block: PreprocessingBlock | undefined,
  root: URL = ROOT,
): Promise<ExtractorFolder> {
  const source = block?.extractor.source;
  const path = extractorFolderPath(source);
  if (path === null) {
    return {
      refused: source === undefined
        ? "the served model names no extractor folder"
        : `the served model names no extractor folder inside the repository (expected a relative path under models/, received ${
          JSON.stringify(source.slice(0, 80))
        })`,
    };
  }
  const outside = {
    refused:
      `the served model names no extractor folder under models/ (received ${path}; only folders under models/ are served)`,
  };
  try {
    const [real, models] = await Promise.all([
      Deno.realPath(new URL(`${path}/`, root)),
      Deno.realPath(new URL("models/", root)),
    ]);
    if (!real.startsWith(`${models.replace(/\/$/, "")}/`)) return outside;
    if (!(await Deno.stat(real)).isDirectory) return outside;
    const url = new URL(`file://${real.split("/").map(encodeURIComponent).join("/")}/`);
    return { folder: new StaticFolder(url, ["json", "bin"], MAX_EXTRACTOR_FILE_BYTES) };
  } catch {
    return {
      refused:
        `the served model names no extractor folder inside the repository (${path} does not exist)`,
    };
  }
}
