import assert from "node:assert/strict";
import { checkNoiseSource, readModel, SeededNoiseError } from "../../../lib/he-head/mod.ts";
import { dpNoiseRandom, UsageError } from "../../../lib/dp-training/mod.ts";
import { parseTrainArgs } from "../../../scripts/cli/train_options.ts";
import { parsePrivacyArgs } from "../../../scripts/cli/privacy_options.ts";

function rejects(args: string[], message: RegExp): void {
  assert.throws(
    () => parseTrainArgs(args),
    (e: unknown) => e instanceof UsageError && message.test(e.message),
    `${args.join(" ")} should fail with ${message}`,
  );
}

Deno.test("train: bad input gives clear errors", () => {
  rejects(
    ["--dataset", "mnist"],
    /--dataset: expected one of uci-digits, breast-cancer, received "mnist"/,
  );
  rejects(
    ["--target-epsilon", "0"],
    /--target-epsilon: expected a number > 0 \(or inf for no DP\), received "0"/,
  );
  rejects(["--target-epsilon", "-3"], /--target-epsilon: expected a number > 0/);
  rejects(["--target-epsilon", "three"], /--target-epsilon: expected a number > 0/);
  rejects(["--delta", "0"], /--delta: expected a number in \(0, 1\), received "0"/);
  rejects(["--delta", "1"], /--delta: expected a number in \(0, 1\), received "1"/);
  rejects(["--delta", "1.5"], /--delta: expected a number in \(0, 1\)/);
  rejects(["--sparsity", "1"], /--sparsity: expected a number in \[0, 1\), received "1"/);
  rejects(["--sparsity", "-0.1"], /--sparsity: expected a number in \[0, 1\)/);
  rejects(["--hidden", "32,x"], /--hidden: expected an integer in \[1, 4096\], received "x"/);
  rejects(
    ["--activation", "tanh"],
    /--activation: expected one of relu, swish, gelu, sigmoid, square/,
  );
  rejects(["--features", "pixels"], /--features: expected extractor or raw/);
  rejects(["--no-dp", "--target-epsilon", "3"], /--no-dp: cannot be combined/);
  rejects(["--epsilon", "3"], /Unknown option '--epsilon'/);
});

Deno.test("train: defaults, non-private runs and explicit values", () => {
  const d = parseTrainArgs([]);
  assert.equal(d.dataset, "uci-digits");
  assert.equal(d.features, "extractor");
  assert.equal(d.targetEpsilon, 3);
  assert.equal(d.delta, 1e-5);
  assert.deepEqual(d.hidden, [32]);
  assert.equal(d.out, "models/head/uci_digits.json");
  assert.equal(parseTrainArgs(["--target-epsilon", "inf"]).targetEpsilon, null);
  assert.equal(parseTrainArgs(["--no-dp"]).targetEpsilon, null);
  const o = parseTrainArgs(["--dataset", "breast-cancer", "--hidden", "0", "--sparsity", "0"]);
  assert.equal(o.features, "extractor");
  assert.deepEqual(o.hidden, []);
});

Deno.test("train: noise is secret by default; --seeded-noise is the only way to seed it", () => {
  const d = parseTrainArgs([]);
  assert.equal(d.seededNoise, false);
  assert.equal(dpNoiseRandom(d).secure, true, "the default noise source must be crypto");
  const s = parseTrainArgs(["--seeded-noise", "--seed", "5"]);
  assert.equal(s.seededNoise, true);
  assert.equal(dpNoiseRandom(s).secure, false);
  assert.equal(parseTrainArgs(["--seed", "5"]).seededNoise, false, "--seed seeds only the init");
  rejects(["--secure-rng"], /--secure-rng: expected no such option \(removed: .* by default/);
});

/** Runs `scripts/train.ts` on breast cancer for 3 epochs; returns the written model. */
async function trainCli(dir: string, name: string, extra: string[]) {
  const out = `${dir}/${name}.json`;
  const r = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-all",
      new URL("../../../scripts/train.ts", import.meta.url).pathname,
      "--dataset",
      "breast-cancer",
      "--epochs",
      "3",
      "--quiet",
      "--out",
      out,
      ...extra,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(r.stderr);
  assert.equal(r.code, 0, stderr);
  return {
    model: await readModel(out),
    stderr,
    card: JSON.parse(await Deno.readTextFile(`${dir}/${name}.card.json`)),
  };
}

Deno.test("deno task train without flags writes noise_source crypto; --seeded-noise writes seeded", async () => {
  const dir = await Deno.makeTempDir({ prefix: "fcn_train_cli_" });
  try {
    const a = await trainCli(dir, "a", []);
    const b = await trainCli(dir, "b", []);
    assert.equal(a.model.metadata!.privacy!.noise_source, "crypto");
    assert.equal(a.card.privacy.noise_source, "crypto");
    assert.equal(a.card.private, true);
    assert.ok(a.model.metadata!.privacy!.not_covered!.length > 0);
    assert.notEqual(JSON.stringify(a.model.layers), JSON.stringify(b.model.layers), "fresh noise");
    assert.doesNotThrow(() => checkNoiseSource(a.model, { allowSeededNoise: false }));
    const s = await trainCli(dir, "s", ["--seeded-noise"]);
    const t = await trainCli(dir, "t", ["--seeded-noise"]);
    assert.equal(s.model.metadata!.privacy!.noise_source, "seeded");
    assert.equal(s.card.private, false);
    assert.match(s.stderr, /--seeded-noise: .* NOT private/);
    assert.equal(JSON.stringify(s.model.layers), JSON.stringify(t.model.layers), "replayable");
    assert.throws(
      () => checkNoiseSource(s.model, { allowSeededNoise: false }),
      (e: unknown) => e instanceof SeededNoiseError,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("privacy: arguments are validated", () => {
  const base = ["--noise-multiplier", "1.1", "--sample-rate", "0.01", "--delta", "1e-5"];
  assert.equal(parsePrivacyArgs([...base, "--epochs", "3"]).steps, 300);
  const bad: [string[], RegExp][] = [
    [base, /exactly one of --steps and --epochs, received neither/],
    [[...base, "--steps", "3", "--epochs", "1"], /received both/],
    [
      ["--sample-rate", "0.01", "--delta", "1e-5", "--steps", "3"],
      /--noise-multiplier: expected a value/,
    ],
    [
      [...base.slice(0, 4), "--delta", "0", "--steps", "3"],
      /--delta: expected a number in \(0, 1\)/,
    ],
    [
      ["--noise-multiplier", "-1", ...base.slice(2), "--steps", "3"],
      /--noise-multiplier: expected a number > 0, received "-1"/,
    ],
    [[...base, "--steps", "1.5"], /--steps: expected a whole number/],
    [[...base, "--steps", "3", "--conversion", "loose"], /--conversion: expected tight or classic/],
  ];
  for (const [args, msg] of bad) {
    assert.throws(
      () => parsePrivacyArgs(args),
      (e: unknown) => e instanceof UsageError && msg.test(e.message),
    );
  }
});

Deno.test("privacy: the task prints {epsilon, order} as its last stdout line", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-env",
      new URL("../../../scripts/privacy.ts", import.meta.url).pathname,
      "--noise-multiplier",
      "1.12",
      "--sample-rate",
      String(256 / 60000),
      "--epochs",
      "60",
      "--delta",
      "1e-5",
      "--conversion",
      "classic",
      "--accountant",
      "rdp",
      "--json",
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
  const r = JSON.parse(lines[lines.length - 1]);
  assert.ok(Math.abs(r.epsilon - 2.92) / 2.92 < 0.02);
  assert.equal(typeof r.order, "number");
});

Deno.test("train: --classes is a public list of at least 2 distinct names, only with --data", () => {
  const csv = ["--data", "t.csv", "--label", "y"];
  assert.deepEqual(parseTrainArgs([...csv, "--classes", "no, yes"]).classes, ["no", "yes"]);
  assert.deepEqual(parseTrainArgs(["--data", "imgs", "--classes", "cat,dog"]).classes, [
    "cat",
    "dog",
  ]);
  assert.equal(parseTrainArgs(csv).classes, undefined);
  rejects([...csv, "--classes", "no"], /--classes: expected at least 2 distinct non-empty/);
  rejects([...csv, "--classes", "a,,b"], /--classes: expected .* received "a,,b"/);
  rejects([...csv, "--classes", "a,a"], /--classes: expected .* received "a,a"/);
  rejects(["--classes", "a,b"], /--classes: expected only with --data/);
});
