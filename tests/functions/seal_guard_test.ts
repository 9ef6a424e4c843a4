import assert from "node:assert/strict";
import {
  forbidSecretKeys,
  SECRET_KEY_CLASSES,
  SecretKeyForbiddenError,
} from "../../lib/he-head/seal/server/guard.ts";
import type { Seal } from "../../lib/he-head/seal/runtime.ts";
import { serverProcess } from "./helpers.ts";

Deno.test("the guard makes every secret-key class of a module throw (unit)", () => {
  const fake: Record<string, unknown> = {
    KeyGenerator: class {},
    SecretKey: class {},
    Decryptor: class {},
    Evaluator: class {},
  };
  forbidSecretKeys(fake as unknown as Seal);
  for (const name of SECRET_KEY_CLASSES) {
    const C = fake[name] as new () => unknown;
    assert.throws(
      () => new C(),
      (e) => e instanceof SecretKeyForbiddenError && e.message.includes(name),
    );
  }
  new (fake.Evaluator as new () => unknown)();
});

Deno.test("no server module imports the client's key or decryption code", async () => {
  const cmd = new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", "functions/main.ts"],
    stdout: "piped",
  });
  const { stdout, success } = await cmd.output();
  assert.ok(success);
  const graph = JSON.parse(new TextDecoder().decode(stdout)) as {
    modules: { specifier: string }[];
  };
  const files = graph.modules.map((m) => m.specifier);
  assert.ok(files.some((f) => f.endsWith("/lib/server/service.ts")), "the graph was read");
  for (
    const forbidden of [
      "/lib/he-head/client/keys.ts",
      "/lib/he-head/client/decrypt.ts",
      "/lib/he-head/client/encrypt.ts",
    ]
  ) {
    assert.ok(!files.some((f) => f.endsWith(forbidden)), `the server imports ${forbidden}`);
  }
});

Deno.test("in the server process, the real SEAL module refuses KeyGenerator, SecretKey and Decryptor", async () => {
  const r = await serverProcess("guard");
  assert.equal(r.code, 0, r.stderr);
  const result = JSON.parse(r.stdout.trim().split("\n").pop()!);
  for (const name of SECRET_KEY_CLASSES) {
    assert.match(result[name], /^SecretKeyForbiddenError: .*forbidden/, name);
  }
  assert.equal(result.Evaluator, "constructed", "evaluation classes still work");
});

const SERVER_SIDE = [
  "functions",
  "lib/server",
  "lib/he-head/seal",
  "lib/he-head/engine",
  "lib/he-head/plans/ckks_network",
  "lib/he-head/wire",
];

Deno.test("only lib/he-head/seal/runtime.ts imports node-seal's code (the others its .d.ts types only)", async () => {
  // Any static, re-exported or dynamic import of the package, except `import type` of its
  // declaration files (types are erased: they load no second SEAL instance).
  const importRe =
    /(?:^|[;\s])(import|export)\s+(type\s+)?[^;]*?from\s*["']((?:npm:)?node-seal[^"']*)["']|import\(\s*["']((?:npm:)?node-seal[^"']*)["']/gm;
  const offenders: string[] = [];
  let scanned = 0;
  for (const root of SERVER_SIDE) {
    const walk = async (dir: string): Promise<void> => {
      for await (const e of Deno.readDir(dir)) {
        const path = `${dir}/${e.name}`;
        if (e.isDirectory) await walk(path);
        else if (e.name.endsWith(".ts")) {
          scanned++;
          const text = await Deno.readTextFile(path);
          for (const m of text.matchAll(importRe)) {
            const typeOnly = m[2] !== undefined && (m[3] ?? "").endsWith(".d.ts");
            if (!typeOnly && path !== "lib/he-head/seal/runtime.ts") {
              offenders.push(`${path}: ${m[0].trim()}`);
            }
          }
        }
      }
    };
    // Folders the renovation removes are skipped (the count below keeps the scan honest).
    if (await Deno.stat(root).then(() => true, () => false)) await walk(root);
  }
  assert.ok(scanned > 40, `scanned ${scanned} files`);
  assert.deepEqual(offenders, []);
  // The same in the module graph of the server: one code dependency on node-seal.
  const { stdout } = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", "functions/main.ts"],
    stdout: "piped",
  }).output();
  const graph = JSON.parse(new TextDecoder().decode(stdout)) as {
    modules: { specifier: string; dependencies?: { specifier: string; code?: unknown }[] }[];
  };
  const importers = graph.modules.filter((m) =>
    m.dependencies?.some((d) => d.specifier.includes("node-seal") && d.code)
  ).map((m) => m.specifier.replace(/^.*\/work\/main\/|^file:\/\/.*?\/(?=lib|functions)/, ""));
  assert.equal(importers.length, 1, importers.join(", "));
  assert.ok(importers[0].endsWith("lib/he-head/seal/runtime.ts"));
});
