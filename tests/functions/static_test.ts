import assert from "node:assert/strict";
import { extractorFolderPath } from "../../functions/routes/extractor_folder.ts";
import { StaticFolder } from "../../functions/routes/static_files.ts";
import { testApp, testModel } from "./helpers.ts";

Deno.test("GET / serves the page with its policy; its script, WebAssembly and the extractor follow, no token needed", async () => {
  const t = await testApp({ auth: true });
  try {
    const page = await t.app.request("/");
    assert.equal(page.status, 200);
    assert.equal(page.headers.get("content-type"), "text/html; charset=utf-8");
    assert.match(page.headers.get("content-security-policy")!, /default-src 'self'/);
    assert.match(await page.text(), /<script type="module" src="\/web\/app\.js">/);
    const cases: [string, string][] = [
      ["/web/app.js", "text/javascript; charset=utf-8"],
      ["/web/style.css", "text/css; charset=utf-8"],
      ["/web/seal_throws.wasm", "application/wasm"],
      ["/web/tfjs-backend-wasm-simd.wasm", "application/wasm"],
      ["/models/extractor/model.json", "application/json"],
      ["/models/extractor/weights.bin", "application/octet-stream"],
    ];
    for (const [path, type] of cases) {
      const res = await t.app.request(path);
      assert.equal(res.status, 200, path);
      assert.equal(res.headers.get("content-type"), type, path);
      assert.equal(res.headers.get("x-content-type-options"), "nosniff");
      assert.equal(res.headers.get("cache-control"), "no-cache");
      const bytes = new Uint8Array(await res.arrayBuffer());
      const disk = await Deno.readFile(
        path.startsWith("/web/") ? `web/dist/${path.slice(5)}` : path.slice(1),
      );
      assert.deepEqual(bytes, disk, path);
    }
  } finally {
    t.close();
  }
});

Deno.test("static files revalidate by ETag (304) and refuse other names, folders and extensions as JSON 404", async () => {
  const t = await testApp();
  try {
    const first = await t.app.request("/web/app.js");
    const etag = first.headers.get("etag")!;
    await first.body?.cancel();
    assert.match(etag, /^"[0-9a-f]{32}"$/);
    const again = await t.app.request("/web/app.js", { headers: { "if-none-match": etag } });
    assert.equal(again.status, 304);
    assert.equal(again.headers.get("etag"), etag);
    const matching = [`W/${etag}`, `"other", ${etag}`, `W/"x" ,W/${etag}`, "*"];
    for (const header of matching) {
      const res = await t.app.request("/web/app.js", { headers: { "if-none-match": header } });
      assert.equal(res.status, 304, header);
    }
    for (const header of ['"other"', `W/"other", "${"0".repeat(32)}"`, etag.slice(1, -1)]) {
      const res = await t.app.request("/web/app.js", { headers: { "if-none-match": header } });
      assert.equal(res.status, 200, header);
      await res.body?.cancel();
    }
    for (
      const path of [
        "/web/..%2F..%2Fdeno.json",
        "/web/%2e%2e%2fmain.ts",
        "/web/../functions/main.ts",
        "/web/.hidden.js",
        "/web/main.ts",
        "/web/nothing.js",
        "/web/",
        "/models/extractor/README.md",
        "/models/extractor/..%2F..%2Fdeno.json",
        "/models/head/uci_digits.json",
      ]
    ) {
      const res = await t.app.request(path);
      assert.equal(res.status, 404, path);
      assert.equal((await res.json()).error.code, "not-found", path);
    }
  } finally {
    t.close();
  }
});

/** The test head with a preprocessing block naming `source` as its extractor's folder. */
function headOn(source: string | undefined) {
  const m = testModel();
  m.preprocessing = {
    extractor: { id: `sha256:${"0".repeat(64)}`, feature_layer: "normalized", source },
  };
  return m;
}

Deno.test("GET /extractor/<file> serves model.json and .bin shards of the folder the served model names, nothing else", async () => {
  const t = await testApp({}, headOn("models/scatternet"));
  try {
    for (const name of ["model.json", "weights.bin"]) {
      const res = await t.app.request(`/extractor/${name}`);
      assert.equal(res.status, 200, name);
      assert.equal(res.headers.get("x-content-type-options"), "nosniff");
      const disk = await Deno.readFile(`models/scatternet/${name}`);
      assert.deepEqual(new Uint8Array(await res.arrayBuffer()), disk, name);
    }
    for (
      const path of [
        "/extractor/README.md",
        "/extractor/..%2F..%2Fdeno.json",
        "/extractor/..%2Fextractor%2Fmodel.json",
        "/extractor/other.json",
        "/extractor/.weights.bin",
      ]
    ) {
      const res = await t.app.request(path);
      assert.equal(res.status, 404, path);
      assert.equal((await res.json()).error.code, "not-found", path);
    }
  } finally {
    t.close();
  }
});

Deno.test("GET /extractor/ refuses a model naming no folder, an absolute path, a URL or a folder outside the repository", async () => {
  assert.equal(extractorFolderPath("models/scatternet/"), "models/scatternet");
  assert.equal(extractorFolderPath("./models/scatternet/model.json"), "models/scatternet");
  for (
    const source of [
      undefined,
      "/etc",
      "../outside",
      "models/../deno.json",
      "https://x/m",
      "a/.git",
    ]
  ) {
    assert.equal(extractorFolderPath(source), null, String(source));
  }
  for (const source of ["../outside", "models/nothing-here"]) {
    const t = await testApp({}, headOn(source));
    try {
      const res = await t.app.request("/extractor/model.json");
      assert.equal(res.status, 404, source);
      assert.match((await res.json()).error.message, /names no extractor folder/, source);
    } finally {
      t.close();
    }
  }
  for (const source of ["tests/vectors/bfv_n4096_t2x17_poly", "lib", "models/../lib"]) {
    const t = await testApp({}, headOn(source));
    try {
      for (const name of ["model.json", "keys.bin"]) {
        const res = await t.app.request(`/extractor/${name}`);
        assert.equal(res.status, 404, source);
        assert.match((await res.json()).error.message, /names no extractor folder (under|inside)/);
      }
    } finally {
      t.close();
    }
  }
  const plain = await testApp();
  try {
    assert.equal((await plain.app.request("/extractor/model.json")).status, 404);
  } finally {
    plain.close();
  }
});

Deno.test("a static folder refuses a symbolic link leading out of it, serves plain files and links inside", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/served`);
    await Deno.writeTextFile(`${dir}/secret.json`, '{"secret":1}');
    await Deno.writeTextFile(`${dir}/served/plain.json`, "{}");
    await Deno.symlink(`${dir}/secret.json`, `${dir}/served/out.json`);
    await Deno.symlink(`${dir}/served/plain.json`, `${dir}/served/in.json`);
    const folder = new StaticFolder(new URL(`file://${dir}/served/`), ["json"], 1024);
    assert.equal(await folder.get("out.json"), null);
    assert.equal(new TextDecoder().decode((await folder.get("plain.json"))!.bytes), "{}");
    assert.equal(new TextDecoder().decode((await folder.get("in.json"))!.bytes), "{}");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
