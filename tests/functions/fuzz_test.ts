/**
 * A seeded, bounded fuzz test of the whole API: well over 1,000 malformed requests across every
 * route (empty, truncated, bit-flipped with and without a recomputed checksum, header fields
 * rewritten, foreign parameters, wrong counts, inflation bombs, SEAL blobs with lying headers,
 * wrong content types, bad query strings, wrong methods, missing and bad tokens). Every answer must be a JSON
 * 4xx (or a 503 with Retry-After), never another 5xx, and a correct encrypted classification must
 * follow.
 *
 * @module
 */
import assert from "node:assert/strict";
import seedrandom from "seedrandom";
import { evaluatePlain } from "../../lib/he-head/engine/plain.ts";
import { compileModel } from "../../lib/model/network.ts";
import {
  decodeEnvelope,
  encodeEnvelope,
  type EnvelopeKind,
} from "../../lib/he-head/wire/envelope.ts";
import { ENVELOPE_TYPE, KEY_ID_HEADER, PATHS } from "../../lib/protocol/api.ts";
import { HeadClient } from "../../lib/client/mod.ts";
import { randomInputs } from "../fixtures/random_model.ts";
import { testApp } from "./helpers.ts";

const REQUESTS = 1200;
const HEAD = 52;
const SUM = 32;

type Rng = () => number;

function int(rng: Rng, n: number): number {
  return Math.floor(rng() * n);
}

async function sha256(b: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", b as Uint8Array<ArrayBuffer>));
}

/** Rewrites the envelope's trailing checksum so that only the semantic checks can refuse it. */
async function resum(env: Uint8Array): Promise<Uint8Array> {
  if (env.length < HEAD + SUM) return env;
  const out = env.slice();
  out.set(await sha256(out.subarray(0, out.length - SUM)), out.length - SUM);
  return out;
}

async function deflate(b: Uint8Array): Promise<Uint8Array> {
  const s = new Blob([b as Uint8Array<ArrayBuffer>]).stream().pipeThrough(
    new CompressionStream("deflate-raw"),
  );
  return new Uint8Array(await new Response(s).arrayBuffer());
}

/** An envelope of `kind` whose deflated body inflates to `inflated` bytes of zeros. */
async function bomb(template: Uint8Array, inflated: number): Promise<Uint8Array> {
  const body = await deflate(new Uint8Array(inflated));
  const out = new Uint8Array(HEAD + body.length + SUM);
  out.set(template.subarray(0, HEAD));
  out[7] = 1; // deflate flag
  new DataView(out.buffer).setUint32(48, body.length, true);
  out.set(body, HEAD);
  return await resum(out);
}

/** The same envelope with an uncompressed body, so that mutations reach its entries. */
async function uncompressed(env: Uint8Array, kind: EnvelopeKind): Promise<Uint8Array> {
  const big = 1 << 30;
  const e = await decodeEnvelope(env, {
    kind,
    paramsHash: env.slice(8, 40),
    maxBytes: big,
    maxBodyBytes: big,
    maxEntryBytes: big,
  });
  return await encodeEnvelope(e, { compress: false });
}

/**
 * The first entry's SEAL blob replaced by a SEAL header (magic 0xA15E, zstd or zlib) that declares
 * `declared` bytes and carries a few random bytes: SEAL must never be asked to inflate it.
 */
async function lyingSealBlob(valid: Uint8Array, rng: Rng, declared: bigint): Promise<Uint8Array> {
  const out = valid.slice();
  if (out[7] & 1) return out; // only uncompressed bodies have entries at fixed offsets
  const v = new DataView(out.buffer);
  const at = HEAD + 8; // first entry's bytes
  const len = v.getUint32(HEAD + 4, true);
  if (len < 16) return out;
  v.setUint16(at, 0xa15e, true);
  out[at + 2] = 16;
  out[at + 3] = 4;
  out[at + 4] = 1;
  out[at + 5] = 1 + int(rng, 2); // zlib or zstd
  v.setBigUint64(at + 8, declared, true);
  for (let i = at + 16; i < at + Math.min(len, 64); i++) out[i] = int(rng, 256);
  return await resum(out);
}

Deno.test({
  name:
    `fuzz: ${REQUESTS} malformed requests across every route, each a JSON 4xx, then a correct classification`,
  sanitizeResources: false,
  fn: async () => {
    const t = await testApp({ auth: true, queue: 64 });
    try {
      const rng: Rng = seedrandom("fuzz-1");
      // The real client's requests, recorded on their way to the app, are the valid seeds.
      const sent = new Map<string, Uint8Array>();
      const recording = (async (input: RequestInfo | URL, init?: RequestInit) => {
        const req = new Request(input, init);
        const body = new Uint8Array(await req.clone().arrayBuffer());
        if (req.method === "POST") sent.set(new URL(req.url).pathname, body);
        return await t.fetch(req);
      }) as typeof fetch;
      const client = await HeadClient.connect("http://fcn.test", { fetch: recording });
      const net = compileModel(t.model);
      const x = randomInputs(11, 1, net.inputSize, net.inputMin, net.inputMax);
      const inputs: Record<string, Uint8Array> = {};
      const keys: Record<string, Uint8Array> = {};
      using poly = await client.session("poly");
      keys.poly = await uncompressed(sent.get(PATHS.keys)!, "keys");
      await poly.classify(x, 1);
      inputs.poly = await uncompressed(sent.get(PATHS.classify)!, "ciphertexts");
      using packed = await client.session("packed");
      keys.packed = await uncompressed(sent.get(PATHS.keys)!, "keys");
      await packed.classify(x, 1);
      inputs.packed = await uncompressed(sent.get(PATHS.classify)!, "ciphertexts");
      const keyIds = { poly: poly.keyId!, packed: packed.keyId! };
      const bombs = [
        await bomb(inputs.poly, 64 << 20),
        await bomb(keys.packed, 64 << 20),
      ];
      const types = [
        ENVELOPE_TYPE,
        "application/json",
        "text/plain",
        "multipart/form-data; boundary=x",
        "",
        "application/octet-stream; charset=utf-8",
        "image/png",
      ];
      const methods = ["GET", "PUT", "DELETE", "PATCH", "POST"];
      const routes = [
        PATHS.model,
        PATHS.keys,
        PATHS.classify,
        PATHS.plan,
        PATHS.health,
        PATHS.openapi,
        "/",
        "/v1",
        "/v1/classify/extra",
        "/v1/../v1/keys",
      ];
      const mutate = async (valid: Uint8Array): Promise<[string, Uint8Array]> => {
        const b = valid.slice();
        switch (int(rng, 11)) {
          case 0:
            return ["empty", new Uint8Array(0)];
          case 1:
            return ["truncated", b.subarray(0, int(rng, b.length))];
          case 2: {
            b[int(rng, b.length)] ^= 1 << int(rng, 8);
            return ["bit flip", b];
          }
          case 3: {
            b[int(rng, b.length - SUM)] ^= 1 << int(rng, 8);
            return ["bit flip, checksum recomputed", await resum(b)];
          }
          case 4: {
            // A header field rewritten: version, kind, moduli, flags, count, queries, body length.
            const field = [4, 5, 6, 7, 40, 44, 48][int(rng, 7)];
            if (field >= 40) {
              new DataView(b.buffer).setUint32(
                field,
                [0, 1, 2, 255, 0xffffffff][int(rng, 5)],
                true,
              );
            } else b[field] = int(rng, 256);
            return [`header byte ${field}`, await resum(b)];
          }
          case 5: {
            b[8 + int(rng, 32)] ^= 0xff;
            return ["foreign parameters", await resum(b)];
          }
          case 6: {
            // An entry header rewritten: tag, modulus, reserved, length.
            const off = HEAD + [0, 1, 2, 3, 4][int(rng, 5)];
            b[off] = int(rng, 256);
            return [`entry header +${off - HEAD}`, await resum(b)];
          }
          case 7:
            return ["bomb", bombs[int(rng, bombs.length)]];
          case 8:
            return [
              "lying SEAL header",
              await lyingSealBlob(b, rng, 1n << BigInt(20 + int(rng, 40))),
            ];
          case 9: {
            const junk = new Uint8Array(int(rng, 4096));
            for (let i = 0; i < junk.length; i++) junk[i] = int(rng, 256);
            return ["random bytes", junk];
          }
          default: {
            // Appended or duplicated bytes.
            const extra = new Uint8Array(b.length + 1 + int(rng, 64));
            extra.set(b);
            return ["appended bytes", await resum(extra)];
          }
        }
      };
      const counts = new Map<string, number>();
      const failures: string[] = [];
      const codes = new Map<string, number>();
      for (let i = 0; i < REQUESTS; i++) {
        const which = int(rng, 8);
        let label: string, req: Request;
        const plan = rng() < 0.5 ? "poly" : "packed";
        const url = (p: string) => `http://fcn.test${p}`;
        if (which <= 2) {
          const [what, body] = await mutate(inputs[plan]);
          label = `classify ${plan}: ${what}`;
          req = new Request(url(PATHS.classify), {
            method: "POST",
            body: body as Uint8Array<ArrayBuffer>,
            headers: { "content-type": ENVELOPE_TYPE, [KEY_ID_HEADER]: keyIds[plan] },
          });
        } else if (which <= 4) {
          const [what, body] = await mutate(keys[plan]);
          label = `keys ${plan}: ${what}`;
          req = new Request(url(PATHS.keys), {
            method: "POST",
            body: body as Uint8Array<ArrayBuffer>,
            headers: { "content-type": ENVELOPE_TYPE },
          });
        } else if (which === 5) {
          const type = types[int(rng, types.length)];
          const path = rng() < 0.5 ? PATHS.classify : PATHS.keys;
          label = `content type ${JSON.stringify(type)} on ${path}`;
          const body = type.startsWith("multipart")
            ? '--x\r\nContent-Disposition: form-data; name="inputs"\r\n\r\n' +
              "garbage".repeat(int(rng, 50))
            : inputs.poly;
          req = new Request(url(path), {
            method: "POST",
            body: body as BodyInit,
            headers: type && type !== ENVELOPE_TYPE ? { "content-type": type } : {},
          });
          if (type === ENVELOPE_TYPE) {
            // A key id that is not one.
            req.headers.set(KEY_ID_HEADER, ["", "zz", "ab".repeat(32), "../x"][int(rng, 4)]);
          }
        } else if (which === 6) {
          const q = [
            "queries=0",
            "queries=-1",
            "queries=1e9",
            "queries=abc",
            "queries=1.5",
            "queries=",
            "registered=" + "x,".repeat(int(rng, 100)),
            "queries=" + "9".repeat(int(rng, 400)),
            "queries=1&registered=%ZZ",
            "queries=3&queries=4",
          ][int(rng, 10)];
          label = `plan ?${q.slice(0, 40)}`;
          req = new Request(url(`${PATHS.plan}?${q}`));
        } else {
          const method = methods[int(rng, methods.length)];
          const path = routes[int(rng, routes.length)];
          label = `${method} ${path}`;
          req = new Request(url(path), {
            method,
            body: method === "GET" ? undefined : new Uint8Array(int(rng, 200)),
          });
        }
        // Most requests carry the valid token so that they reach the deeper checks.
        const auth = rng();
        if (auth < 0.85) req.headers.set("authorization", `Bearer ${t.token}`);
        else if (auth < 0.95) {
          req.headers.set(
            "authorization",
            [
              "Bearer",
              "Bearer ",
              `Bearer ${t.token.slice(0, -1)}x`,
              `Basic ${btoa("a:b")}`,
              `bearer ${"A".repeat(int(rng, 5000))}`,
              `Bearer ${t.token} ${t.token}`,
            ][int(rng, 6)],
          );
          label += " (bad token)";
        } else label += " (no token)";
        const res = await t.app.request(req);
        const text = await res.text();
        counts.set(String(res.status), (counts.get(String(res.status)) ?? 0) + 1);
        if (res.status === 200 || res.status === 201) {
          // Only well-formed reads (and the odd request the mutation left intact) may succeed.
          continue;
        }
        const ok4xx = res.status >= 400 && res.status < 500;
        const ok503 = res.status === 503 && res.headers.has("retry-after");
        let problem = "";
        if (!ok4xx && !ok503) problem = `status ${res.status}`;
        else {
          try {
            const body = JSON.parse(text);
            if (typeof body.error?.code !== "string") problem = "no error code";
            else if (!(body.error.message?.length > 5)) problem = "no message";
            else codes.set(body.error.code, (codes.get(body.error.code) ?? 0) + 1);
          } catch {
            problem = "not JSON";
          }
        }
        if (!problem && /std::|at \w+ \(|\.ts:\d+/.test(text)) problem = "internals leaked";
        if (problem) failures.push(`${label}: ${problem}: ${text.slice(0, 200)}`);
      }
      assert.deepEqual(failures.slice(0, 20), [], `${failures.length} bad answers`);
      // The requests reached past authentication into many different checks.
      const summary = JSON.stringify(Object.fromEntries(codes));
      assert.ok(codes.size >= 15, `expected at least 15 distinct refusals, received ${summary}`);
      assert.ok((codes.get("unauthorized") ?? 0) < REQUESTS * 0.3, summary);
      console.error(
        `fuzz: statuses ${JSON.stringify(Object.fromEntries(counts))}; codes ${summary}`,
      );
      assert.ok([...counts.keys()].every((s) => Number(s) < 500 || s === "503"), String(counts));
      // The service still answers correctly.
      assert.deepEqual((await poly.classify(x, 1)).logits, evaluatePlain(net, x, 1));
    } finally {
      t.close();
    }
  },
});
