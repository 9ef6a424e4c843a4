import assert from "node:assert/strict";
import {
  forbidSecretKeys,
  SECRET_KEY_CLASSES,
  SecretKeyForbiddenError,
} from "../../functions/seal_guard.ts";
import type { Seal } from "../../lib/he-head/seal/runtime.ts";

Deno.test("the server's guard makes every secret-key class throw", () => {
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
  assert.ok(files.some((f) => f.endsWith("/functions/service.ts")), "the graph was read");
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
