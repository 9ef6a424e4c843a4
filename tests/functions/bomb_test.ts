/**
 * Inflation bombs against the real server (`deno serve`, the shipped head, loopback): each is
 * refused in under a second, and the server's peak RSS while refusing it (VmHWM, reset before
 * each request) stays within twice the route's body limit above its idle RSS. Before the fix a
 * 1 MB body inflating to 1,000 MiB was inflated in full first (4-11 s, 2-3 GB).
 *
 * @module
 */
import assert from "node:assert/strict";
import { HeadClient } from "../../lib/client/mod.ts";
import { ENVELOPE_TYPE, KEY_ID_HEADER, PATHS } from "../../lib/protocol/api.ts";
import { issueToken, startServer } from "../../lib/server/local_server.ts";
import { UNLIMITED } from "./helpers.ts";

/** 1,000 MiB of zeros, deflated (about 1 MB). */
async function deflatedZeros(mib: number): Promise<Uint8Array> {
  const s = new CompressionStream("deflate-raw");
  const w = s.writable.getWriter();
  const zeros = new Uint8Array(1 << 20);
  const feeding = (async () => {
    for (let i = 0; i < mib; i++) await w.write(zeros);
    await w.close();
  })();
  const out = new Uint8Array(await new Response(s.readable).arrayBuffer());
  await feeding;
  return out;
}

/** A well-formed, checksummed envelope whose deflated body is `body`. */
async function bombEnvelope(
  kind: "ciphertexts" | "keys",
  hash: Uint8Array,
  moduli: number,
  body: Uint8Array,
): Promise<Uint8Array<ArrayBuffer>> {
  const out = new Uint8Array(52 + body.length + 32);
  out.set([0x46, 0x43, 0x4e, 0x45, 1, kind === "keys" ? 2 : 1, moduli, 1]);
  out.set(hash, 8);
  const v = new DataView(out.buffer);
  v.setUint32(40, 1, true);
  v.setUint32(44, kind === "keys" ? 0 : 1, true);
  v.setUint32(48, body.length, true);
  out.set(body, 52);
  const sum = await crypto.subtle.digest("SHA-256", out.subarray(0, 52 + body.length));
  out.set(new Uint8Array(sum), 52 + body.length);
  return out;
}

async function memory(pid: number): Promise<{ rss: number; peak: number }> {
  const s = await Deno.readTextFile(`/proc/${pid}/status`);
  const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, "m").exec(s)![1]) * 1024;
  return { rss: kb("VmRSS"), peak: kb("VmHWM") };
}

Deno.test({
  name: "1 MB deflate bombs (1,000 MiB) are 413 in under a second at bounded RSS, on every route",
  ignore: Deno.build.os !== "linux",
  fn: async () => {
    const dir = await Deno.makeTempDir();
    const token = await issueToken(`${dir}/keys.kv`, "bombs", UNLIMITED);
    const server = await startServer({
      FCN_MODEL: "models/head/uci_digits.json",
      FCN_KV: `${dir}/keys.kv`,
    });
    try {
      const client = await HeadClient.connect(server.base, { token });
      const limits = client.description.limits;
      using session = await client.session("simd");
      const plan = session.plan;
      const hash = Uint8Array.from(plan.params_hash.match(/../g)!, (h) => parseInt(h, 16));
      const moduli = (plan.params as { plainModuli: string[] }).plainModuli.length;
      const zeros = await deflatedZeros(1000);
      assert.ok(zeros.length < 1_100_000, `${zeros.length} bytes`);
      const inputs = await bombEnvelope("ciphertexts", hash, moduli, zeros);
      const keys = await bombEnvelope("keys", hash, moduli, zeros);
      const form = new FormData();
      form.append("inputs", new Blob([inputs]));
      form.append("keys", new Blob([keys]));
      const auth = { authorization: `Bearer ${token}` };
      const cases: [string, string, BodyInit, Record<string, string>, number][] = [
        ["classify (registered keys)", PATHS.classify, inputs, {
          "content-type": ENVELOPE_TYPE,
          [KEY_ID_HEADER]: session.keyId!,
        }, limits.max_body_bytes],
        ["keys", PATHS.keys, keys, { "content-type": ENVELOPE_TYPE }, limits.max_key_bytes],
        [
          "classify (multipart)",
          PATHS.classify,
          form,
          {},
          limits.max_body_bytes + limits.max_key_bytes,
        ],
      ];
      const pid = server.process.pid;
      for (const [name, path, body, headers, limit] of cases) {
        // The fastest of up to three attempts: the suite shares two cores with other tests, and
        // an unbounded inflation (seconds, gigabytes) fails every attempt, not just a slow one.
        let best = Infinity, growth = 0, idle = 0;
        for (let attempt = 0; attempt < 3 && best >= 1000; attempt++) {
          idle = (await memory(pid)).rss;
          await Deno.writeTextFile(`/proc/${pid}/clear_refs`, "5"); // resets VmHWM
          const t0 = performance.now();
          const res = await fetch(`${server.base}${path}`, {
            method: "POST",
            headers: { ...headers, ...auth },
            body,
          });
          const e = (await res.json()).error;
          const ms = performance.now() - t0;
          const { peak } = await memory(pid);
          assert.equal(res.status, 413, `${name}: ${e.message}`);
          assert.equal(e.code, "envelope-oversized");
          assert.ok(
            peak - idle <= 2 * limit,
            `${name}: peak RSS ${peak} is ${peak - idle} above idle ${idle}, limit ${limit}`,
          );
          best = Math.min(best, ms);
          growth = Math.max(growth, peak - idle);
        }
        assert.ok(best < 1000, `${name}: refused in ${best.toFixed(0)} ms at best of 3`);
        console.log(
          `${name}: 413 in ${best.toFixed(0)} ms, peak RSS +${
            (growth / 2 ** 20).toFixed(1)
          } MiB over idle ${(idle / 2 ** 20).toFixed(0)} MiB (bound ${
            (2 * limit / 2 ** 20).toFixed(1)
          } MiB)`,
        );
      }
      // And the server still classifies.
      const { min, max, shape } = client.description.input;
      const x = Array.from({ length: shape[0] }, (_, i) => min + (i % (max - min + 1)));
      assert.equal((await session.classify(x, 1)).logits!.length, 1);
    } finally {
      await server.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
