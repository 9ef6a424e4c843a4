/**
 * The web page and what it loads, served by the function itself (no CDN, no token): `GET /` (the
 * page), `GET /web/<file>` (its bundled script, style and SEAL's and TensorFlow.js's WebAssembly,
 * from `web/dist/`), `GET /models/extractor/<file>` (the committed digit extractor's `model.json`
 * and weights) and `GET /extractor/<file>` (the extractor the served model's `preprocessing` block
 * names, see `extractor_folder.ts`). Answers carry an ETag (a matching `If-None-Match` gets 304) and must be revalidated;
 * the page's Content-Security-Policy allows only this origin.
 *
 * @module
 */
import { Hono } from "hono";
import type { Context } from "hono";
import type { PreprocessingBlock } from "../../lib/model/mod.ts";
import { extractorFolder, isExtractorFile } from "./extractor_folder.ts";
import { type StaticFile, StaticFolder } from "./static_files.ts";

/** Largest static file served (the bundled script is about 2 MB). */
const MAX_FILE_BYTES = 16 * 1024 * 1024;

const WEB = new StaticFolder(
  new URL("../../web/dist/", import.meta.url),
  ["html", "js", "css", "wasm", "png"],
  MAX_FILE_BYTES,
);
const EXTRACTOR = new StaticFolder(
  new URL("../../models/extractor/", import.meta.url),
  ["json", "bin"],
  MAX_FILE_BYTES,
);

/** Scripts and WebAssembly from this origin only; no inline script, no other host. */
const PAGE_POLICY = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; " +
  "style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; " +
  "base-uri 'none'; frame-ancestors 'none'";

/**
 * Whether an `If-None-Match` header matches `etag` by weak comparison (RFC 9110 13.1.2): `*`, or
 * any tag of its comma-separated list with the same opaque value, `W/` prefixes ignored.
 */
function matchesEtag(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === "*") return true;
  const opaque = etag.replace(/^W\//, "");
  return (header.match(/(?:W\/)?"[^"]*"/g) ?? []).some((t) => t.replace(/^W\//, "") === opaque);
}

function send(c: Context, file: StaticFile | null, what: string): Response {
  if (!file) {
    return c.json({ error: { code: "not-found", message: `no file ${what}` } }, 404);
  }
  const headers: Record<string, string> = {
    "content-type": file.type,
    "etag": file.etag,
    "cache-control": "no-cache",
    "x-content-type-options": "nosniff",
  };
  if (file.type.startsWith("text/html")) headers["content-security-policy"] = PAGE_POLICY;
  if (matchesEtag(c.req.header("if-none-match"), file.etag)) return c.body(null, 304, headers);
  return c.body(file.bytes, 200, headers);
}

/**
 * Routes of the web page and its assets; `preprocessing` is the served model's block, whose
 * extractor is served under `/extractor/`.
 */
export function staticRoutes(preprocessing?: PreprocessingBlock): Hono {
  const app = new Hono();
  const named = extractorFolder(preprocessing);
  app.get("/", async (c) => send(c, await WEB.get("index.html"), "/ (the page is not built)"));
  app.get("/web/:name", async (c) => {
    const name = c.req.param("name");
    return send(c, await WEB.get(name), `/web/${name.slice(0, 80)}`);
  });
  app.get("/models/extractor/:name", async (c) => {
    const name = c.req.param("name");
    return send(c, await EXTRACTOR.get(name), `/models/extractor/${name.slice(0, 80)}`);
  });
  app.get("/extractor/:name", async (c) => {
    const name = c.req.param("name");
    const ex = await named;
    const what = `/extractor/${name.slice(0, 80)}` +
      ("refused" in ex ? ` (${ex.refused})` : "");
    const file = "folder" in ex && isExtractorFile(name) ? await ex.folder.get(name) : null;
    return send(c, file, what);
  });
  return app;
}
