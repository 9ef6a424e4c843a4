import assert from "node:assert/strict";
import { parseTrainArgs } from "../../../scripts/cli/train_options.ts";
import { UsageError } from "../../../scripts/cli/usage.ts";
import { ExtractorError, trainingPipeline } from "../../../lib/feature-extractor/mod.ts";

const base = ["--data", "imgs", "--extractor", "models/scatternet"];

Deno.test("train options: the generic extractor path is parsed into the pipeline options", () => {
  const o = parseTrainArgs([
    ...base,
    "--feature-layer",
    "normalized",
    "--input-size",
    "64x48",
    "--channels",
    "3",
    "--resize",
    "nearest",
    "--pixel-scale",
    "0.0078125",
    "--pixel-offset",
    "-1",
    "--mean",
    "0.1,0.2,0.3",
    "--std",
    "1,2,3",
    "--public-data",
    "pub",
    "--reduce",
    "pca:64",
    "--input-bits",
    "6",
  ]);
  assert.deepEqual(o.extractorPipeline, {
    featureLayer: "normalized",
    image: {
      height: 64,
      width: 48,
      channels: 3,
      resize: "nearest",
      scale: 0.0078125,
      offset: -1,
      mean: [0.1, 0.2, 0.3],
      std: [1, 2, 3],
    },
    publicData: "pub",
    privateData: ["imgs"],
    reduce: { kind: "pca", dim: 64 },
    bits: 6,
  });
  assert.deepEqual(
    parseTrainArgs([...base, "--reduce", "projection:24"]).extractorPipeline?.reduce,
    { kind: "random_projection", dim: 24 },
  );
  assert.equal(parseTrainArgs(base).extractorPipeline, undefined, "only --extractor: UCI path");
});

const bad: [string[], RegExp][] = [
  [["--reduce", "svd:3"], /--reduce: expected pca:K or projection:K .* received "svd:3"/],
  [["--input-size", "64"], /--input-size: expected HxW \(e\.g\. 64x64\), received "64"/],
  [["--channels", "2"], /--channels: expected one of 1, 3, received "2"/],
  [["--resize", "cubic"], /--resize: expected one of bilinear, nearest, received "cubic"/],
  [["--std", "1,0"], /--std: expected numbers > 0, received "0"/],
  [["--pixel-scale", "0"], /--pixel-scale: expected a nonzero number/],
  [["--input-bits", "1"], /--input-bits: expected an integer in \[2, 16\]/],
];
for (const [args, message] of bad) {
  Deno.test(`train options: ${args.join(" ")} is refused, naming the option`, () => {
    assert.throws(
      () => parseTrainArgs([...base, ...args]),
      (e: unknown) => e instanceof UsageError && message.test(e.message),
    );
  });
}

Deno.test("train options: extractor options need --data DIR and --extractor", () => {
  assert.throws(
    () => parseTrainArgs(["--feature-layer", "x"]),
    (e: unknown) =>
      e instanceof UsageError && /--feature-layer: expected only with --data DIR/.test(e.message),
  );
  assert.throws(
    () => parseTrainArgs(["--data", "t.csv", "--label", "y", "--reduce", "pca:2"]),
    (e: unknown) =>
      e instanceof UsageError && /--reduce: expected only with --data DIR/.test(e.message),
  );
  assert.throws(
    () => parseTrainArgs(["--data", "imgs", "--public-data", "p"]),
    (e: unknown) =>
      e instanceof UsageError && /--public-data: expected --extractor PATH\|URL/.test(e.message),
  );
});

Deno.test("train options: --public-data equal to, inside or around --data / --test-data is refused", async () => {
  const o = parseTrainArgs([...base, "--test-data", "held", "--public-data", "pub"]);
  assert.deepEqual(o.extractorPipeline?.privateData, ["imgs", "held"]);
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/private/sub`, { recursive: true });
    await Deno.mkdir(`${dir}/public`);
    await Deno.symlink(`${dir}/private`, `${dir}/alias`);
    const cases: [string, string, string][] = [
      [`${dir}/alias/`, `${dir}/private`, "is"],
      [`${dir}/private/sub`, `${dir}/private`, "lies inside"],
      [dir, `${dir}/private`, "contains"],
    ];
    for (const [publicData, priv, how] of cases) {
      await assert.rejects(
        trainingPipeline({
          extractor: "models/scatternet",
          publicData,
          privateData: ["/nonexistent/unrelated", priv],
        }),
        (e: unknown) =>
          e instanceof ExtractorError && e.message.includes(JSON.stringify(publicData)) &&
          e.message.includes(`${how} the private ${JSON.stringify(priv)}`),
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
