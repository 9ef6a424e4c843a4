/**
 * Enforces docs/architecture.md: rooms import only what the map allows, the server's module
 * graph reaches no client-side (secret-key) module, the client's reaches no server-side one,
 * scripts never import the function, only the SEAL runtime loads node-seal, and plan dispatch
 * stays inside the plan table.
 *
 * @module
 */
import assert from "node:assert/strict";
import { relative } from "node:path";
import { fileURLToPath as fromFileUrl } from "node:url";
import { roomOf, ROOMS, sideOf } from "./rules.ts";

const ROOT = fromFileUrl(new URL("../../", import.meta.url));
const SOURCE_ROOTS = ["lib", "functions", "scripts", "experiments", "web"];
const SPEC =
  /(?:\bfrom\s+|\bimport\s+|\bimport\(\s*|new\s+URL\(\s*)["'](\.\.?\/[^"'\n]+)["'](?:\s*,\s*import\.meta\.url)?/g;

async function* walk(dir: string): AsyncGenerator<string> {
  let entries;
  try {
    entries = Array.from(Deno.readDirSync(`${ROOT}${dir}`));
  } catch {
    return;
  }
  for (const e of entries) {
    const path = `${dir}/${e.name}`;
    // The web page's build output (one minified bundle of modules read here from source).
    if (path === "web/dist") continue;
    if (e.isDirectory) yield* walk(path);
    else if (/\.(ts|js)$/.test(e.name)) yield path;
  }
}

/** Every source file with its local imports (repository-relative paths). */
async function importGraph(): Promise<Map<string, string[]>> {
  const graph = new Map<string, string[]>();
  for (const root of SOURCE_ROOTS) {
    for await (const file of walk(root)) {
      const text = await Deno.readTextFile(`${ROOT}${file}`);
      // Comments hold examples, not imports.
      const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
      const targets: string[] = [];
      for (const m of code.matchAll(SPEC)) {
        const url = new URL(m[1], new URL(file, `file://${ROOT}`));
        targets.push(relative(ROOT, fromFileUrl(url)));
      }
      graph.set(file, targets);
    }
  }
  return graph;
}

/** The local modules of an entry's graph (`deno info --json`), repository-relative. */
async function moduleGraph(entry: string): Promise<string[]> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", entry],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  const info = JSON.parse(new TextDecoder().decode(out.stdout));
  return (info.modules as { specifier: string }[])
    .map((m) => m.specifier)
    .filter((s) => s.startsWith("file://"))
    .map((s) => relative(ROOT, fromFileUrl(s)))
    .filter((p) => !p.startsWith("node_modules/"));
}

/** References by path that are not imports: the file is run as another process. */
const SPAWNS = new Set([
  // The loopback launcher runs `deno serve functions/main.ts` as a child process.
  "lib/server/local_server.ts -> functions/main.ts",
  // The function serves the web page's built files as data (read from disk, never imported).
  "functions/routes/static.ts -> web/dist",
]);

/** Files that read an encoding for a reason other than dispatching plans. */
const NOT_DISPATCH = new Set([
  // The integer reference backend classifies a weight's multiplication cost (single-coefficient
  // or dense) by the BFV encoding it models, for HOP counts; it runs no plan.
  "lib/he-head/engine/integer_backend.ts",
]);

Deno.test("rooms import only what docs/architecture.md allows (lower rooms never import higher ones)", async () => {
  const graph = await importGraph();
  const problems: string[] = [];
  for (const [file, targets] of graph) {
    const room = roomOf(file);
    if (!room) continue;
    for (const target of targets) {
      if (target.startsWith(room.path)) continue;
      const allowed = room.mayImport.some((p) => target.startsWith(p));
      // Data files (models/, data/) and packages are not rooms.
      if (allowed || roomOf(target) === null || SPAWNS.has(`${file} -> ${target}`)) continue;
      problems.push(`${file} -> ${target}`);
    }
  }
  assert.deepEqual(problems, [], `imports outside the map:\n${problems.join("\n")}`);
  assert.ok(graph.size > 100, `expected the whole tree, read ${graph.size} files`);
  assert.ok(ROOMS.length >= 10);
});

Deno.test("inside lib/he-head, shared code imports no side, and client and server never import each other", async () => {
  const graph = await importGraph();
  const problems: string[] = [];
  for (const [file, targets] of graph) {
    if (!file.startsWith("lib/")) continue;
    const from = sideOf(file);
    for (const target of targets) {
      const to = sideOf(target);
      if (to === "shared" || to === from) continue;
      // Shared code stands below both sides; a side never imports the other.
      problems.push(`${file} (${from}) -> ${target} (${to})`);
    }
  }
  assert.deepEqual(problems, [], `cross-side imports:\n${problems.join("\n")}`);
});

Deno.test("the server's module graph holds no client-side module and constructs no secret-key class", async () => {
  const modules = await moduleGraph("functions/main.ts");
  assert.ok(modules.includes("functions/main.ts") && modules.length > 30, String(modules.length));
  const client = modules.filter((m) => sideOf(m) === "client");
  assert.deepEqual(client, [], `client-side modules in the server: ${client.join(", ")}`);
  for (const m of modules) {
    const code = (await Deno.readTextFile(`${ROOT}${m}`)).replace(/\/\*[\s\S]*?\*\//g, "");
    assert.doesNotMatch(
      code,
      /new\s+[\w.]*\b(KeyGenerator|SecretKey|Decryptor)\s*\(/,
      `${m} constructs a secret-key class`,
    );
  }
});

Deno.test("the client's module graph holds no server-side module", async () => {
  for (const entry of ["lib/client/mod.ts", "lib/he-head/client.ts", "web/main.ts"]) {
    let modules: string[];
    try {
      modules = await moduleGraph(entry);
    } catch (e) {
      if (entry === "lib/he-head/client.ts" && !(await exists(entry))) continue;
      throw e;
    }
    const server = modules.filter((m) => sideOf(m) === "server");
    assert.deepEqual(server, [], `${entry} reaches server-side modules: ${server.join(", ")}`);
  }
});

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(`${ROOT}${path}`);
    return true;
  } catch {
    return false;
  }
}

Deno.test("scripts never import functions/, and node-seal's code is loaded by one module only", async () => {
  const graph = await importGraph();
  const fromScripts = [...graph].flatMap(([f, ts]) =>
    f.startsWith("scripts/")
      ? ts.filter((t) => t.startsWith("functions/")).map((t) => `${f} -> ${t}`)
      : []
  );
  assert.deepEqual(fromScripts, []);
  const loaders: string[] = [];
  for (const file of graph.keys()) {
    const code = await Deno.readTextFile(`${ROOT}${file}`);
    // Type-only imports of node-seal's declarations are fine; a value import loads SEAL.
    for (const m of code.matchAll(/^\s*import\s+(?!type\b)[^;]*?from\s+["']node-seal["']/gm)) {
      loaders.push(`${file}: ${m[0].trim()}`);
    }
  }
  assert.deepEqual(
    loaders.map((l) => l.split(":")[0]),
    ["lib/he-head/seal/runtime.ts"],
    loaders.join("\n"),
  );
});

Deno.test("plan dispatch (kind and encoding switches, context casts) stays inside the plan table", async () => {
  const graph = await importGraph();
  const dispatch =
    /\b(kind|encoding)\s*[!=]==\s*["'](bfv|packed|poly|simd)["']|instanceof\s+(HeContext|CkksContext)\b|as\s+ClientKeys</;
  const problems: string[] = [];
  for (const file of graph.keys()) {
    // Scripts may read a plan description's public `encoding` to pick a workload; the rule is
    // about the product's code (the issue's `rg "kind ===" lib functions`).
    if (file.startsWith("scripts/")) continue;
    if (file.startsWith("lib/he-head/plans/") || file.startsWith("lib/he-head/schemes/")) continue;
    if (NOT_DISPATCH.has(file)) continue;
    const lines = (await Deno.readTextFile(`${ROOT}${file}`)).split("\n");
    lines.forEach((line, i) => {
      if (dispatch.test(line) && !/^\s*(\*|\/\/)/.test(line)) {
        problems.push(`${file}:${i + 1}: ${line.trim()}`);
      }
    });
  }
  assert.deepEqual(
    problems,
    [],
    `plan dispatch outside lib/he-head/plans:\n${problems.join("\n")}`,
  );
});

Deno.test("no file in scripts/ is longer than about 250 lines (scripts are short orchestration)", async () => {
  const long: string[] = [];
  for await (const file of walk("scripts")) {
    const lines = (await Deno.readTextFile(`${ROOT}${file}`)).split("\n").length;
    if (lines > 260) long.push(`${file}: ${lines} lines`);
  }
  assert.deepEqual(long, []);
});
