import assert from "node:assert/strict";
import { HeadClient, ServerError } from "../../lib/client/mod.ts";
import { ENVELOPE_TYPE, PATHS } from "../../lib/protocol/api.ts";
import { startServer } from "../../lib/server/local_server.ts";
import { testModel } from "./helpers.ts";

async function token(args: string[], env: Record<string, string> = {}) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-write", "--allow-env", "scripts/token.ts", ...args],
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

Deno.test("deno task token: usage, create (printed once), list (no secrets), revoke, against a live server", async () => {
  const dir = await Deno.makeTempDir();
  const kv = `${dir}/keys.kv`;
  try {
    const help = await token(["--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^usage:\n {2}deno task token create --name NAME/);
    for (const args of [["create", "--bogus"], ["frobnicate"], ["create"], ["list", "extra"]]) {
      const r = await token([...args, "--kv", kv]);
      assert.equal(r.code, 2, args.join(" "));
      assert.match(r.stderr, /usage:/, args.join(" "));
    }
    const noKv = await token(["list"], { FCN_KV: "" });
    assert.equal(noKv.code, 2);
    assert.match(noKv.stderr, /expected --kv PATH or FCN_KV/);
    const bad = await token(["create", "--name", "x", "--key-sets", "0", "--kv", kv]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--key-sets: expected a positive integer, received "0"/);

    const created = await token(["create", "--name", "alice", "--queries-per-day", "500"], {
      FCN_KV: kv,
    });
    assert.equal(created.code, 0, created.stderr);
    const secret = created.stdout.trim();
    assert.match(secret, /^fcn_[A-Za-z0-9_-]{43}$/, "stdout is the token alone");
    assert.match(created.stderr, /shown once/);
    const model = testModel(6);
    await Deno.writeTextFile(`${dir}/model.json`, JSON.stringify(model));
    const server = await startServer({ FCN_MODEL: `${dir}/model.json`, FCN_KV: kv });
    try {
      const anonymous = await fetch(`${server.base}${PATHS.keys}`, {
        method: "POST",
        headers: { "content-type": ENVELOPE_TYPE },
        body: new Uint8Array(10),
      });
      assert.equal(anonymous.status, 401);
      assert.equal((await anonymous.json()).error.code, "unauthorized");
      const client = await HeadClient.connect(server.base, { token: secret });
      using session = await client.session("poly");
      assert.ok(session.keyId);
      const listed = await token(["list", "--json", "--kv", kv]);
      assert.equal(listed.code, 0, listed.stderr);
      assert.ok(!listed.stdout.includes(secret.slice(4)), "list never shows a token");
      const [row] = JSON.parse(listed.stdout);
      assert.equal(row.name, "alice");
      assert.equal(row.quota.queries_per_day, 500);
      assert.equal(row.key_sets, 1);
      const revoked = await token(["revoke", "--name", "alice", "--kv", kv]);
      assert.equal(revoked.code, 0, revoked.stderr);
      await assert.rejects(
        client.session("simd"),
        (e) => e instanceof ServerError && e.status === 401,
      );
      assert.equal((await token(["revoke", "--name", "alice", "--kv", kv])).code, 1);
      assert.ok(!server.log().includes(secret.slice(4)), "the server never logs a token");
    } finally {
      await server.stop();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("FCN_AUTH=off: a loud start-up warning, and marked in /v1/model and /healthz", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/model.json`, JSON.stringify(testModel(6)));
    const server = await startServer({
      FCN_MODEL: `${dir}/model.json`,
      FCN_KV: `${dir}/keys.kv`,
      FCN_AUTH: "off",
    });
    try {
      assert.match(server.log(), /!{20,}\nWARNING: FCN_AUTH=off: anyone who can reach this server/);
      const d = await (await fetch(`${server.base}${PATHS.model}`)).json();
      assert.equal(d.auth.mode, "off");
      assert.match(d.auth.warning, /FCN_AUTH=off/);
      const h = await (await fetch(`${server.base}${PATHS.health}`)).json();
      assert.equal(h.auth, "off");
      const client = await HeadClient.connect(server.base);
      using session = await client.session("poly");
      assert.ok(session.keyId, "no token needed");
    } finally {
      await server.stop();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
