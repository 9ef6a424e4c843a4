/**
 * Static files of the function, read from disk: one folder per mount, names checked against a
 * pattern (no path separator, hence no traversal), no symbolic link leading out of the folder (each
 * file's real path must lie inside the folder's real path), a size bound, a content type by extension, and
 * an ETag (SHA-256 of the bytes) for revalidation. Files are cached in memory while their size and
 * modification time stay the same.
 *
 * @module
 */

/** Content types by extension; any other extension is not served. */
const TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  wasm: "application/wasm",
  json: "application/json",
  bin: "application/octet-stream",
  png: "image/png",
};

/** A file name: letters, digits, `.`, `_` and `-`, starting with a letter or digit. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** One static file, ready to send. */
export interface StaticFile {
  /** The bytes. */
  readonly bytes: Uint8Array<ArrayBuffer>;
  /** Its Content-Type. */
  readonly type: string;
  /** A strong ETag (quoted). */
  readonly etag: string;
}

interface Cached extends StaticFile {
  readonly size: number;
  readonly mtime: number;
}

/** A folder served read-only. */
export class StaticFolder {
  readonly #cache = new Map<string, Cached>();

  /**
   * Creates a {@linkcode StaticFolder}.
   *
   * @param dir the folder (a `file:` URL ending in `/`)
   * @param extensions the extensions served (each must be in the content-type table)
   * @param maxBytes the largest file served
   */
  constructor(
    readonly dir: URL,
    readonly extensions: readonly string[],
    readonly maxBytes: number,
  ) {
    for (const e of extensions) {
      if (!TYPES[e]) throw new RangeError(`expected a known extension, received ${e}`);
    }
  }

  /** The file `name`, or null when it is not served (bad name, extension, missing, too large). */
  async get(name: string): Promise<StaticFile | null> {
    const ext = name.slice(name.lastIndexOf(".") + 1).toLowerCase();
    if (!NAME.test(name) || !this.extensions.includes(ext)) return null;
    let url: string;
    let info: Deno.FileInfo;
    try {
      const [real, top] = await Promise.all([
        Deno.realPath(new URL(name, this.dir)),
        Deno.realPath(this.dir),
      ]);
      if (!real.startsWith(`${top.replace(/\/$/, "")}/`)) return null;
      url = real;
      info = await Deno.stat(url);
    } catch {
      return null;
    }
    if (!info.isFile || info.size > this.maxBytes) return null;
    const mtime = info.mtime?.getTime() ?? 0;
    const hit = this.#cache.get(name);
    if (hit && hit.size === info.size && hit.mtime === mtime) return hit;
    const bytes = await Deno.readFile(url);
    if (bytes.length > this.maxBytes) return null;
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
    const hex = Array.from(digest.subarray(0, 16), (b) => b.toString(16).padStart(2, "0")).join("");
    const file = { bytes, type: TYPES[ext], etag: `"${hex}"`, size: info.size, mtime };
    this.#cache.set(name, file);
    return file;
  }
}
