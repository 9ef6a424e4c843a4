import assert from "node:assert/strict";
import { LIMIT_VARIABLES, readConfig } from "../../functions/config.ts";
import { serveArgs, startServer } from "../../lib/server/local_server.ts";
import { sha256Hex } from "../../lib/server/key_store.ts";
import { testModel } from "./helpers.ts";

/** Runs `deno serve functions/main.ts` with `env` until it exits (or 60 s); its code and log. */
async function serveUntilExit(env: Record<string, string>) {
  const child = new Deno.Command(Deno.execPath(), {
    args: serveArgs(0),
    env,
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  const out = await child.output();
  clearTimeout(timer);
  return { code: out.code, log: new TextDecoder().decode(out.stderr) };
}

Deno.test("zero, negative and malformed limits stop start-up with a message naming the variable", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/model.json`, JSON.stringify(testModel()));
    const base = { FCN_MODEL: `${dir}/model.json`, FCN_KV: `${dir}/keys.kv` };
    const cases: [string, string, RegExp][] = [
      ...LIMIT_VARIABLES.map((
        [name],
      ) => [name, "0", /expected an integer from 1 to \d+, received "0"/]),
      ["FCN_MAX_CONCURRENT", "-1", /received "-1"/],
      ["FCN_TIMEOUT_MS", "1.5", /received "1.5"/],
      ["FCN_KEY_TTL_S", "day", /received "day"/],
      ["FCN_MAX_HEAP_BYTES", String(2 ** 33), /from 1 to 4294901760/],
      ["FCN_AUTH", "maybe", /expected "on" or "off", received "maybe"/],
    ] as [string, string, RegExp][];
    // Concurrent, two at a time (each is a separate deno process).
    for (let i = 0; i < cases.length; i += 2) {
      await Promise.all(
        cases.slice(i, i + 2).map(async ([name, value, message]) => {
          const r = await serveUntilExit({ ...base, [name]: value });
          assert.equal(r.code, 2, `${name}=${value}: ${r.log}`);
          assert.match(r.log, new RegExp(`cannot start: ${name}: `), `${name}=${value}`);
          assert.match(r.log, message, `${name}=${value}`);
        }),
      );
    }
    // A heap cap that is an integer but below what the plans hold at start-up.
    const r = await serveUntilExit({ ...base, FCN_MAX_HEAP_BYTES: "1000" });
    assert.equal(r.code, 2);
    assert.match(r.log, /FCN_MAX_HEAP_BYTES: expected at least the \d+ bytes SEAL holds/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readConfig converts units and leaves unset variables to the defaults", () => {
  const env: Record<string, string> = {
    FCN_KEY_TTL_S: "60",
    FCN_MAX_QUEUE: " 3 ",
    FCN_AUTH: "off",
  };
  const c = readConfig((n) => env[n]);
  assert.deepEqual(c.service, { keyTtlMs: 60_000, queue: 3, auth: false, allowSeededNoise: false });
  assert.equal(
    readConfig((n) => ({ FCN_ALLOW_SEEDED_NOISE: "1" })[n]).service.allowSeededNoise,
    true,
  );
  assert.equal(readConfig(() => undefined).service.auth, true);
  assert.match(readConfig(() => undefined).modelSource, /models\/head\/uci_digits\.json$/);
});

Deno.test("FCN_MODEL as a URL with #sha256=<hex>: served when the digest matches, refused otherwise", async () => {
  const dir = await Deno.makeTempDir();
  const model = JSON.stringify(testModel(4));
  const digest = await sha256Hex(new TextEncoder().encode(model));
  const http = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (req) =>
      new URL(req.url).pathname === "/m.json"
        ? new Response(model, { headers: { "content-type": "application/json" } })
        : new Response("no", { status: 404 }),
  );
  const url = `http://127.0.0.1:${http.addr.port}/m.json`;
  try {
    const base = { FCN_KV: `${dir}/keys.kv` };
    const bad = [
      [
        `${url}#sha256=${"0".repeat(64)}`,
        /FCN_MODEL: expected a document with SHA-256 0{64}, .* has [0-9a-f]{64}/,
      ],
      [
        `${url}#sha256=abc`,
        /FCN_MODEL: expected a fragment #sha256=<64 hex digits>, received #sha256=abc/,
      ],
      [
        `http://127.0.0.1:${http.addr.port}/missing.json`,
        /FCN_MODEL: expected 200 from .*, received 404/,
      ],
    ] as const;
    for (const [source, message] of bad) {
      const r = await serveUntilExit({ ...base, FCN_MODEL: source });
      assert.equal(r.code, 2, r.log);
      assert.match(r.log, message);
    }
    const server = await startServer({ ...base, FCN_MODEL: `${url}#sha256=${digest}` });
    try {
      const d = await (await fetch(`${server.base}/v1/model`)).json();
      assert.equal(d.name, testModel(4).name);
      assert.doesNotMatch(server.log(), /not pinned/);
    } finally {
      await server.stop();
    }
  } finally {
    await http.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a head trained with seeded DP noise is refused at start-up unless FCN_ALLOW_SEEDED_NOISE=1, then marked not private", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const m = testModel();
    m.metadata!.privacy = { ...m.metadata!.privacy!, noise_source: "seeded" };
    await Deno.writeTextFile(`${dir}/model.json`, JSON.stringify(m));
    const base = { FCN_MODEL: `${dir}/model.json`, FCN_KV: `${dir}/keys.kv` };
    const refused = await serveUntilExit(base);
    assert.equal(refused.code, 2, refused.log);
    assert.match(refused.log, /metadata\.privacy\.noise_source/);
    assert.match(refused.log, /FCN_ALLOW_SEEDED_NOISE=1/);
    const typo = await serveUntilExit({ ...base, FCN_ALLOW_SEEDED_NOISE: "yes" });
    assert.equal(typo.code, 2, typo.log);
    assert.match(typo.log, /cannot start: FCN_ALLOW_SEEDED_NOISE: /);
    const server = await startServer({ ...base, FCN_ALLOW_SEEDED_NOISE: "1" });
    try {
      const d = await (await fetch(`${server.base}/v1/model`)).json();
      assert.equal(d.privacy.noise_source, "seeded");
      assert.equal(d.privacy.private, false);
      assert.match(d.privacy.note, /NOT private/);
    } finally {
      await server.stop();
    }
    // The shipped head carries crypto noise and starts without the opt-in.
    const shipped = await startServer({ FCN_KV: `${dir}/keys2.kv` });
    try {
      const d = await (await fetch(`${shipped.base}/v1/model`)).json();
      assert.equal(d.privacy.noise_source, "crypto");
      assert.equal(d.privacy.private, true);
    } finally {
      await shipped.stop();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
