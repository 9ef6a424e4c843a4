import assert from "node:assert/strict";
import { ApiError } from "../../lib/protocol/errors.ts";
import { UploadGate } from "../../lib/server/upload_gate.ts";

function refused(f: () => unknown, status: number, code: string) {
  assert.throws(f, (e) => {
    assert.ok(e instanceof ApiError);
    assert.equal(e.status, status);
    assert.equal(e.code, code);
    assert.equal(e.headers["Retry-After"], "3");
    return true;
  });
}

Deno.test("UploadGate: a per-token count (429) and a global byte cap (503); releases are idempotent", () => {
  const gate = new UploadGate({ maxBytes: 1000, perToken: 2, retryAfterSeconds: 3 });
  const a1 = gate.admit("a", 100);
  const a2 = gate.admit("a", 100);
  refused(() => gate.admit("a", 1), 429, "too-many-uploads");
  const b = gate.admit("b", 800);
  assert.deepEqual(gate.load, { bytes: 1000, uploads: 3 });
  refused(() => gate.admit("c", 1), 503, "uploads-busy");
  b();
  b();
  assert.deepEqual(gate.load, { bytes: 200, uploads: 2 });
  const c = gate.admit("c", 800);
  a1();
  const a3 = gate.admit("a", 100);
  for (const r of [a2, a3, c]) r();
  assert.deepEqual(gate.load, { bytes: 0, uploads: 0 });
});
