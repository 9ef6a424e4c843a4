import assert from "node:assert/strict";

Deno.test("the committed web/dist/ is the current build of web/ (deno task build:web --check)", async () => {
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "scripts/build_web.ts", "--check"],
    cwd: new URL("../../", import.meta.url),
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(r.stderr);
  assert.equal(r.code, 0, stderr);
  assert.match(stderr, /web\/dist\/ is current/);
});
