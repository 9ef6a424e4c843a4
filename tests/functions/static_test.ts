import assert from "node:assert/strict";
import { testApp } from "./helpers.ts";

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
