import assert from "node:assert/strict";
import { initTf } from "../../lib/tfjs/runtime.ts";
import {
  CalibrationError,
  parsePrivacyArgs,
  parseTrainArgs,
  trainPrivateHead,
  UsageError,
} from "../../lib/dp-training/mod.ts";
import { tinyHeadOptions } from "./synthetic.ts";

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
      new URL("../../scripts/privacy.ts", import.meta.url).pathname,
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

Deno.test("train: a target epsilon no sigma can reach within the epoch budget is a clear error", async () => {
  await initTf();
  const run = (targetEpsilon: number, epochs: number) =>
    trainPrivateHead(
      tinyHeadOptions(1, {
        privacy: { targetEpsilon, delta: 1e-5 },
        epochs,
        pruneSteps: undefined,
      }),
    );
  assert.throws(
    () => run(0.02, 50),
    (e: unknown) =>
      e instanceof CalibrationError &&
      /no noise multiplier in .* reaches epsilon 0.02/.test(e.message),
  );
  assert.throws(() => run(0, 5), /target epsilon > 0, received 0/);
  assert.throws(() => run(Number.NaN, 5), /target epsilon > 0/);
});
