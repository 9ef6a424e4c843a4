/// <reference lib="dom" />
/**
 * The web page with a head whose model carries a `preprocessing` block, in a real Chromium: a
 * tiny Fashion-MNIST head (ScatterNet + public PCA-16, epsilon 8, trained by `deno task train`
 * on an export of `deno task export:fashion-mnist`) is served on loopback; the page loads the
 * extractor the model names from the function (`/extractor/`), checks its id, and classifies
 * private test PNG files picked with the file input. Each answer is compared with the plaintext
 * integer head on the features `lib/client`'s `imageFeaturesFor` computes from the same files in
 * Deno: features equal, decrypted logits equal bit for bit, the class name shown is the head's.
 *
 * Without /usr/bin/chromium the test is skipped locally and fails in CI (CI=true installs it).
 * `FCN_WEB_SCREENSHOT=<path>` saves a screenshot of the page with its last result.
 *
 * @module
 */
import assert from "node:assert/strict";
import { HeadClient, imageFeaturesFor } from "../../lib/client/mod.ts";
import { decodeImage, fashionMnistAvailable } from "../../lib/datasets/mod.ts";
import { argmax, compileModel, evaluatePlain, readModel } from "../../lib/he-head/mod.ts";
import { issueToken, startServer } from "../../lib/server/mod.ts";
import { CHROMIUM, isFailure, launchChromium, WebPage } from "../../scripts/bench/web_page.ts";
import { exportFashion, trainFashionHead } from "../fixtures/fashion_head.ts";

/** Classes of the uploaded test images (the first file of each; Trouser last, for the picture). */
const PICKS = ["Bag", "Dress", "Sandal", "Sneaker", "T-shirt_top", "Trouser"];
const IMAGES = PICKS.length;
const QUOTA = { requests_per_minute: 100_000, queries_per_day: 1_000_000, key_sets: 100 };
const present = await Deno.stat(CHROMIUM).then(() => true, () => false);
const inCi = Deno.env.get("CI") === "true";

Deno.test({
  name:
    "the web page classifies private Fashion-MNIST PNG files (ScatterNet + PCA head) in Chromium like the plaintext integer head",
  ignore: !present && !inCi,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    assert.ok(present, `expected Chromium at ${CHROMIUM} (CI: apt-get install -y chromium)`);
    assert.ok(
      await fashionMnistAvailable(),
      "Fashion-MNIST is needed: apt-get install -y dataset-fashion-mnist (.ci/run installs it)",
    );
    const dir = await Deno.makeTempDir();
    const out = `${dir}/head/fashion.json`;
    await exportFashion(dir);
    await trainFashionHead(dir, out);
    const model = await readModel(out);
    const classes = model.classes!;
    assert.ok(PICKS.every((c) => classes.includes(c)), `classes ${classes}`);
    const files = PICKS.map((c) => {
      const names = [...Deno.readDirSync(`${dir}/fashion/test/${c}`)].map((e) => e.name).sort();
      return `${dir}/fashion/test/${c}/${names[0]}`;
    });
    const images = await Promise.all(
      files.map(async (f) => decodeImage(f, await Deno.readFile(f))),
    );

    const kvPath = `${dir}/keys.kv`;
    const token = await issueToken(kvPath, "web-fashion", { ...QUOTA, key_bytes: 1e12 });
    const server = await startServer({ FCN_MODEL: out, FCN_KV: kvPath });
    const chromium = await launchChromium();
    try {
      const head = await HeadClient.connect(server.base, { token });
      const d = head.description;
      assert.deepEqual(d.preprocessing, model.preprocessing, "GET /v1/model carries the block");
      const x = await imageFeaturesFor(d, images, "models/scatternet");
      const width = d.input.shape[0];
      const want = evaluatePlain(compileModel(model), x, IMAGES);

      const page = await WebPage.open(chromium.browser, server.base);
      assert.equal(await page.settled(), "idle", page.log.join("\n"));
      const ready = await page.page.$eval("#extractor", (e) => e.textContent ?? "");
      assert.ok(ready.includes(d.preprocessing!.extractor.id.slice(0, 19)), ready);
      assert.match(await page.page.$eval("#status", (e) => e.textContent ?? ""), /pick an image/);
      await page.setToken(token);

      for (let i = 0; i < IMAGES; i++) {
        await page.upload(files[i]);
        const r = await page.classify();
        if (isFailure(r)) assert.fail(`image ${i}: ${r.code}: ${r.text}\n${page.log.join("\n")}`);
        assert.equal(r.exact, true, `${r.plan} is exact`);
        assert.deepEqual(
          r.features,
          Array.from(x.subarray(width * i, width * (i + 1))),
          `${files[i]}: the page's features differ from imageFeaturesFor's`,
        );
        assert.deepEqual(r.logits, want[i], `${files[i]}: decrypted logits != integer head`);
        assert.equal(r.prediction, argmax(want[i]));
        const shown = await page.page.$eval("#result .prediction", (e) => e.textContent);
        assert.equal(shown, classes[argmax(want[i])], "the class name from /v1/model");
      }
      const shot = Deno.env.get("FCN_WEB_SCREENSHOT");
      if (shot) await page.page.screenshot({ path: shot, fullPage: true });

      // The extractor files are served from the folder the model names, nothing else.
      const res = await fetch(`${server.base}/extractor/README.md`);
      assert.equal(res.status, 404);
      await res.body?.cancel();
    } finally {
      await chromium.close();
      await server.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
