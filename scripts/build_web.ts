/**
 * `deno task build:web [--check]`
 *
 * Builds the web page into `web/dist/` (committed, served by the function as it is: an edge
 * runtime has no `deno bundle`): `app.js`, the browser bundle of `web/main.ts` and the client
 * library it imports (`deno bundle --platform browser --minify`, offline), the page and its
 * style, and the WebAssembly the bundle loads from the same folder (SEAL's `seal_throws.wasm`,
 * TensorFlow.js's wasm backend). `--check` builds into a temporary folder and exits 1 when
 * `web/dist/` differs from it (the test that the committed build is current).
 *
 * @module
 */
import { parseCli } from "./cli/usage.ts";
import { formatBytes, formatTable } from "../lib/report/mod.ts";

const USAGE = "usage: deno task build:web [--check]";
const { values } = parseCli(USAGE, { options: { check: { type: "boolean", default: false } } });

const ROOT = new URL("../", import.meta.url);
const DIST = new URL("web/dist/", ROOT);
// The packages' files as deno.json's `nodeModulesDir: "auto"` lays them out.
const SEAL_DIR = new URL("node_modules/node-seal/dist/", ROOT).pathname;
const TFJS_WASM_DIR = new URL("node_modules/@tensorflow/tfjs-backend-wasm/dist/", ROOT).pathname;

/** Files copied as they are: target name -> source path. */
const COPIES: Record<string, string> = {
  "index.html": new URL("web/index.html", ROOT).pathname,
  "style.css": new URL("web/style.css", ROOT).pathname,
  "seal_throws.wasm": `${SEAL_DIR}seal_throws.wasm`,
  "tfjs-backend-wasm.wasm": `${TFJS_WASM_DIR}tfjs-backend-wasm.wasm`,
  "tfjs-backend-wasm-simd.wasm": `${TFJS_WASM_DIR}tfjs-backend-wasm-simd.wasm`,
  "tfjs-backend-wasm-threaded-simd.wasm": `${TFJS_WASM_DIR}tfjs-backend-wasm-threaded-simd.wasm`,
};

async function build(out: string): Promise<void> {
  await Deno.mkdir(out, { recursive: true });
  const r = await new Deno.Command(Deno.execPath(), {
    args: [
      "bundle",
      "--quiet",
      "--platform",
      "browser",
      "--minify",
      "-o",
      `${out}app.js`,
      "web/main.ts",
    ],
    cwd: ROOT,
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (!r.success) throw new Error(`deno bundle failed with exit code ${r.code}`);
  for (const [name, from] of Object.entries(COPIES)) await Deno.copyFile(from, `${out}${name}`);
}

async function same(a: string, b: string): Promise<boolean> {
  try {
    const [x, y] = await Promise.all([Deno.readFile(a), Deno.readFile(b)]);
    return x.length === y.length && x.every((v, i) => v === y[i]);
  } catch {
    return false;
  }
}

const names = ["app.js", ...Object.keys(COPIES)];
if (values.check) {
  const tmp = `${await Deno.makeTempDir()}/`;
  try {
    await build(tmp);
    const stale = [];
    for (const n of names) if (!(await same(`${tmp}${n}`, `${DIST.pathname}${n}`))) stale.push(n);
    if (stale.length) {
      console.error(`web/dist/ is not current (${stale.join(", ")}): run deno task build:web`);
      Deno.exit(1);
    }
    console.error(`web/dist/ is current (${names.length} files)`);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
} else {
  await build(DIST.pathname);
  const rows = [["file", "bytes"]];
  for (const n of names) {
    rows.push([n, formatBytes((await Deno.stat(`${DIST.pathname}${n}`)).size)]);
  }
  console.error(formatTable(rows));
}
