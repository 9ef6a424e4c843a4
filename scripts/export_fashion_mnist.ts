/**
 * `deno task export:fashion-mnist --out DIR [--train N] [--test N] [--public-mnist N] [--json]`
 *
 * Exports Debian's `dataset-fashion-mnist` (`apt-get install -y dataset-fashion-mnist`) to a
 * folder of PNG files in class sub-folders, exactly as a user would hold their data:
 * `DIR/train/<class>/*.png`, `DIR/test/<class>/*.png` (the first N images of each official
 * split; default all), and with `--public-mnist N` the first N public MNIST training digits in
 * `DIR/public-mnist/<digit>/*.png` (public data for `deno task train --public-data`).
 *
 * @module
 */
import { exportFashionMnist } from "../experiments/fashion/mod.ts";
import { parseCli, usageExit } from "./cli/usage.ts";

const USAGE = `usage: deno task export:fashion-mnist --out DIR [options]
  --out DIR            folder to write (train/, test/ and public-mnist/ inside)
  --train N            training images, the first N of the 60,000 (default all)
  --test N             test images, the first N of the 10,000 (default all)
  --public-mnist N     also write N public MNIST training digits to DIR/public-mnist (default 0)
  --json               print {"files": ..., "classes": [...]} as the last stdout line`;

const { values: v } = parseCli(USAGE, {
  options: {
    out: { type: "string" },
    train: { type: "string" },
    test: { type: "string" },
    "public-mnist": { type: "string" },
    json: { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});

function count(name: string, value: string | undefined, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !Number.isInteger(n) || n < 0 || n > max) {
    usageExit(
      USAGE,
      `--${name}: expected an integer in [0, ${max}], received ${JSON.stringify(value)}`,
    );
  }
  return n;
}

if (v.out === undefined) usageExit(USAGE, "--out: expected a folder, received nothing");
const options = {
  train: count("train", v.train, 60_000),
  test: count("test", v.test, 10_000),
  publicMnist: count("public-mnist", v["public-mnist"], 60_000),
};
const t0 = performance.now();
try {
  const summary = await exportFashionMnist(v.out, options);
  console.error(
    `${v.out}: ${summary.files.train} training, ${summary.files.test} test` +
      (summary.files.publicMnist ? `, ${summary.files.publicMnist} public MNIST` : "") +
      ` PNG files in ${summary.classes.length} class folders ` +
      `(${((performance.now() - t0) / 1000).toFixed(1)} s)`,
  );
  if (v.json) console.log(JSON.stringify(summary));
} catch (e) {
  if ((e as Error).name === "DatasetUnavailableError") {
    console.error(`error: ${(e as Error).message}`);
    Deno.exit(1);
  }
  throw e;
}
