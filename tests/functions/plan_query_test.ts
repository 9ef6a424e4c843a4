import assert from "node:assert/strict";
import { PATHS } from "../../lib/protocol/api.ts";
import { testApp } from "./helpers.ts";

Deno.test("GET /v1/plan: queries is a plain decimal integer 1..1,000,000; repeated parameters are refused", async () => {
  const t = await testApp();
  try {
    const ask = async (q: string) => {
      const res = await t.app.request(`${PATHS.plan}?${q}`);
      return { status: res.status, body: await res.json() };
    };
    for (const ok of ["queries=1", "queries=7", "queries=1000000", "", "registered=x&queries=2"]) {
      const r = await ask(ok);
      assert.notEqual(r.status, 400, `${ok}: ${JSON.stringify(r.body)}`);
    }
    for (
      const bad of [
        "queries=1e3",
        "queries=0x10",
        "queries=%20%201",
        "queries=1%20",
        "queries=+5",
        "queries=-1",
        "queries=01",
        "queries=1.0",
        "queries=0",
        "queries=1000001",
        "queries=",
        "queries=12345678",
      ]
    ) {
      const r = await ask(bad);
      assert.equal(r.status, 400, bad);
      assert.equal(r.body.error.code, "bad-queries", bad);
    }
    for (const bad of ["queries=1&queries=2", "queries=5&queries=5", "registered=a&registered=b"]) {
      const r = await ask(bad);
      assert.equal(r.status, 400, bad);
      assert.equal(r.body.error.code, "repeated-parameter", bad);
      assert.match(r.body.error.message, /expected at most one \w+ parameter, received 2/);
    }
  } finally {
    t.close();
  }
});
