/// <reference lib="dom" />
/**
 * The web page in a real Chromium (Debian's, headless): the function on loopback serves it, 20
 * private UCI test digits are uploaded as PNG files and classified under the planner's plan, a
 * drawn digit under every other plan the server offers, and each decrypted answer is compared
 * with the plaintext integer head on the features the page encrypted (bit for bit for exact
 * plans, within the plan's error bound for CKKS). Also: a rejected token, a broken image, keys
 * reused from IndexedDB after a reload and registered again when the server forgot them, a
 * browser without WebAssembly exceptions, the server stopped.
 *
 * Without /usr/bin/chromium the test is skipped locally and fails in CI (CI=true installs it).
 *
 * @module
 */
import assert from "node:assert/strict";
import { encode } from "fast-png";
import { loadUciDigits } from "../../lib/datasets/mod.ts";
import { loadExtractor, quantizeFeatures } from "../../lib/feature-extractor/mod.ts";
import { argmax, compileModel, evaluatePlain, readModel } from "../../lib/he-head/mod.ts";
import type { ModelDescription } from "../../lib/protocol/api.ts";
import { issueToken, startServer } from "../../lib/server/mod.ts";
import {
  CHROMIUM,
  isFailure,
  launchChromium,
  type PageResult,
  WebPage,
} from "../../scripts/bench/web_page.ts";

const DIGITS = 20;
/** A quota that never binds: each plan's keys are a key set, and the page makes several. */
const QUOTA = {
  requests_per_minute: 100_000,
  queries_per_day: 1_000_000,
  key_sets: 1_000,
  key_bytes: 1e12,
};
const present = await Deno.stat(CHROMIUM).then(() => true, () => false);
const inCi = Deno.env.get("CI") === "true";
if (!present && !inCi) {
  console.warn(
    `skipping the web page's Chromium test: no ${CHROMIUM} (apt-get install -y chromium)`,
  );
}

/** Checks a page result against the plaintext integer head on the features it encrypted. */
function checkAgainstHead(
  r: PageResult,
  net: ReturnType<typeof compileModel>,
  d: ModelDescription,
  what: string,
): void {
  const expected = evaluatePlain(net, r.features, 1)[0];
  const plan = d.plans.flatMap((p) => p.flooded ? [p, p.flooded] : [p]).find((p) =>
    p.name === r.plan
  )!;
  assert.equal(r.exact, plan.exact, what);
  if (r.exact) {
    assert.deepEqual(r.logits, expected, `${what}: decrypted logits differ from the integer head`);
    assert.equal(r.prediction, argmax(expected), what);
    return;
  }
  const bound = (plan as { error_bound?: number }).error_bound!;
  const scale = 2 ** -d.output_scale_log2;
  r.scores.forEach((s, i) => {
    const want = Number(expected[i]) * scale;
    assert.ok(Math.abs(s - want) <= bound, `${what}: class ${i} ${s} vs ${want} (bound ${bound})`);
  });
}

Deno.test({
  name: "the web page classifies private digits in Chromium like the plaintext integer head",
  ignore: !present && !inCi,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    assert.ok(present, `expected Chromium at ${CHROMIUM} (CI: apt-get install -y chromium)`);
    const dir = await Deno.makeTempDir();
    const kvPath = `${dir}/keys.kv`;
    const token = await issueToken(kvPath, "web-test", QUOTA);
    const server = await startServer({ FCN_KV: kvPath });
    const chromium = await launchChromium();
    try {
      const d = (await (await fetch(`${server.base}/v1/model`)).json()) as ModelDescription;
      const net = compileModel(await readModel("models/head/uci_digits.json"));
      const { test } = await loadUciDigits();
      const extractor = await loadExtractor();
      const raw = test.x.slice(0, 64 * DIGITS);
      const cli = quantizeFeatures(extractor.extract(raw, DIGITS), d.input);
      extractor.dispose();

      const page = await WebPage.open(chromium.browser, server.base);
      assert.equal(await page.settled(), "idle", page.log.join("\n"));
      const plans = (await page.plans()).slice(1);
      assert.ok(plans.length >= 3, `expected every plan in the selector, received ${plans}`);

      // A rejected token is said on the page.
      await page.draw(test.x.subarray(0, 64));
      await page.setToken(`fcn_${"A".repeat(43)}`);
      const refused = await page.classify();
      assert.ok(isFailure(refused), "a wrong token must fail");
      assert.equal(refused.code, "token-rejected", refused.text);
      await page.setToken(token);

      // A file that is not an image is said on the page.
      await Deno.writeFile(`${dir}/broken.png`, new Uint8Array([137, 80, 78, 71, 1, 2, 3]));
      await page.upload(`${dir}/broken.png`);
      assert.equal(
        await page.page.$eval("#error", (e) => (e as HTMLElement).dataset.code),
        "undecodable-image",
      );

      // 20 private test digits as PNG files, under the planner's choice.
      let correct = 0;
      for (let i = 0; i < DIGITS; i++) {
        const blocks = test.x.subarray(64 * i, 64 * (i + 1));
        const png = encode({
          width: 8,
          height: 8,
          channels: 1,
          depth: 8,
          data: Uint8Array.from(blocks, (v) => Math.round((v * 255) / 16)),
        });
        await Deno.writeFile(`${dir}/digit_${i}.png`, png);
        await page.upload(`${dir}/digit_${i}.png`);
        const r = await page.classify();
        if (isFailure(r)) assert.fail(`digit ${i}: ${r.code}: ${r.text}\n${page.log.join("\n")}`);
        assert.deepEqual(r.raw, Array.from(blocks), `digit ${i}: the page read other pixels`);
        assert.deepEqual(r.features, Array.from(cli.subarray(48 * i, 48 * (i + 1))), `digit ${i}`);
        checkAgainstHead(r, net, d, `digit ${i} (${r.plan})`);
        if (r.prediction === test.y[i]) correct++;
      }
      assert.ok(correct >= DIGITS * 0.8, `only ${correct}/${DIGITS} correct`);

      // A drawn digit under every plan the server offers.
      for (const plan of plans) {
        await page.choosePlan(plan);
        await page.draw(test.x.subarray(64 * 3, 64 * 4));
        const r = await page.classify();
        if (isFailure(r)) assert.fail(`${plan}: ${r.code}: ${r.text}\n${page.log.join("\n")}`);
        assert.equal(r.plan, plan);
        checkAgainstHead(r, net, d, `drawn digit (${plan})`);
      }

      // After a reload the keys come from IndexedDB (no generation, no upload).
      await page.page.reload();
      await page.settled();
      await page.setToken(token);
      await page.choosePlan(plans[0]);
      await page.draw(test.x.subarray(0, 64));
      const again = await page.classify();
      if (isFailure(again)) assert.fail(`after reload: ${again.code}: ${again.text}`);
      assert.equal(again.keys, "from IndexedDB");
      checkAgainstHead(again, net, d, "after reload");

      // The server forgets the keys: the page registers them again and stores the new key id.
      const storedKeyId = () =>
        page.page.evaluate((plan: string) =>
          new Promise<string>((resolve, reject) => {
            const open = indexedDB.open("faster-cryptonets");
            open.onerror = () => reject(open.error);
            open.onsuccess = () => {
              const get = open.result.transaction("sessions").objectStore("sessions").get(plan);
              get.onsuccess = () => resolve(get.result.key_id);
              get.onerror = () => reject(get.error);
            };
          }), plans[0]);
      const before = await storedKeyId();
      const kv = await Deno.openKv(kvPath);
      await kv.delete(["keys", before, "meta"]);
      kv.close();
      const renewed = await page.classify();
      if (isFailure(renewed)) assert.fail(`after the server forgot the keys: ${renewed.text}`);
      checkAgainstHead(renewed, net, d, "re-registered keys");
      const after = await storedKeyId();
      assert.match(after, /^[0-9a-f]{64}$/);
      assert.notEqual(after, before);

      // A browser without WebAssembly exceptions is told so, before anything loads.
      const old = await chromium.browser.newPage();
      await old.evaluateOnNewDocument(() => {
        delete (WebAssembly as unknown as { Exception?: unknown }).Exception;
      });
      await old.goto(server.base);
      await old.waitForFunction(() => document.body.dataset.state === "error");
      assert.equal(
        await old.$eval("#error", (e) => (e as HTMLElement).dataset.code),
        "wasm-unsupported",
      );
      await old.close();

      // The server stopped: a clear message, not a hang.
      await server.stop();
      const down = await page.classify();
      assert.ok(isFailure(down), "a stopped server must fail");
      assert.equal(down.code, "server-down", down.text);
    } finally {
      await chromium.close();
      await server.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
