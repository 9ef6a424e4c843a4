import assert from "node:assert/strict";
import { ExtractorMismatchError, ServerError } from "../../lib/client/browser.ts";
import { describeFailure } from "../../web/src/errors.ts";
import { UndecodableImageError } from "../../web/src/pixels.ts";
import { TimeoutError } from "../../web/src/traffic.ts";

Deno.test("the page names each failure: token, expired keys, rate limit and busy server with Retry-After", () => {
  const cases: [unknown, string, RegExp][] = [
    [new ServerError(401, "unauthorized", "expected a bearer token"), "token-rejected", /token/],
    [new ServerError(404, "unknown-key-id", "no keys with id ab"), "keys-expired", /no keys/],
    [new ServerError(429, "quota", "too many requests", 7), "rate-limited", /Retry after 7 s/],
    [new ServerError(503, "overloaded", "queue full", 3), "server-busy", /Retry after 3 s/],
    [new ServerError(413, "body-too-large", "expected at most 9"), "body-too-large", /at most/],
    [new UndecodableImageError("x.png", "bad"), "undecodable-image", /x\.png.*PNG or JPEG/],
    [new ExtractorMismatchError("sha256:a", "sha256:b"), "extractor-mismatch", /sha256:a/],
    [new TimeoutError("http://h/v1/classify", 90_000), "timeout", /within 90 s/],
    [new WebAssembly.CompileError("no exceptions"), "wasm-unsupported", /no exceptions/],
  ];
  for (const [e, code, detail] of cases) {
    const f = describeFailure(e);
    assert.equal(f.code, code, String(e));
    assert.match(f.detail, detail);
    assert.ok(f.title.length > 0);
  }
});
