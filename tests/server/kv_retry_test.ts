import assert from "node:assert/strict";
import { kvWrite } from "../../lib/server/kv_retry.ts";
import { ApiError } from "../../lib/protocol/errors.ts";

Deno.test("kvWrite retries while the store is locked, then answers", async () => {
  let calls = 0;
  const v = await kvWrite(() => {
    calls++;
    return calls < 4 ? Promise.reject(new TypeError("database is locked")) : Promise.resolve(7);
  });
  assert.equal(v, 7);
  assert.equal(calls, 4);
});

Deno.test("kvWrite passes other errors through at once", async () => {
  let calls = 0;
  await assert.rejects(
    () =>
      kvWrite(() => {
        calls++;
        return Promise.reject(new RangeError("value too large"));
      }),
    RangeError,
  );
  assert.equal(calls, 1);
});

Deno.test("kvWrite: a store that stays locked is 503 busy with Retry-After, not a 500", async () => {
  let calls = 0;
  await assert.rejects(
    () =>
      kvWrite(() => {
        calls++;
        return Promise.reject(new TypeError("database is locked"));
      }),
    (e: unknown) =>
      e instanceof ApiError && e.status === 503 && e.code === "busy" &&
      e.headers?.["Retry-After"] === "1",
  );
  assert.ok(calls > 10);
});
