import assert from "node:assert/strict";
import { joinNegativeValues, parseOrThrow, UsageError } from "../../../scripts/cli/usage.ts";

/** Runs a `deno task` script with `args`; returns its exit code and output. */
async function run(script: string, args: string[]) {
  const r = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-all",
      new URL(`../../../scripts/${script}`, import.meta.url).pathname,
      ...args,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: r.code, stdout: text(r.stdout), stderr: text(r.stderr) };
}

const SCRIPTS = [
  "train.ts",
  "privacy.ts",
  "dp_accuracy_sweep.ts",
  "dp_validation_sweep.ts",
  "fit_activations.ts",
  "bench_dp_sgd.ts",
  "extractor_report.ts",
  "pretrain_extractor.ts",
  "train_mnist.ts",
  "reproduce_mnist.ts",
  "bench.ts",
  "bench/circuit_privacy.ts",
  "classify.ts",
  "token.ts",
  "demo.ts",
  "loadtest.ts",
  "../tests/vectors/generate.ts",
  "export_fashion_mnist.ts",
  "build_scatternet.ts",
  "fashion_mnist.ts",
  "fashion_width.ts",
  "build_web.ts",
  "bench_web.ts",
  "pld_vs_rdp.ts",
];

for (const script of SCRIPTS) {
  Deno.test(`${script}: --help prints the usage and exits 0`, async () => {
    const r = await run(script, ["--help"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^(usage:\s+)?deno (task|run) /);
  });
  Deno.test(`${script}: an unknown option prints the usage and exits 2, without a stack`, async () => {
    const r = await run(script, ["--no-such-option"]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /error: .*--no-such-option/);
    assert.match(r.stderr, /\n(usage:\s+)?deno (task|run) /);
    assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
  });
}

Deno.test("parseOrThrow: unknown options and missing values are UsageErrors", () => {
  const options = { n: { type: "string" } } as const;
  assert.equal(parseOrThrow({ args: ["--n", "3"], options }).values.n, "3");
  assert.throws(
    () => parseOrThrow({ args: ["--m"], options }),
    (e: unknown) => e instanceof UsageError && /Unknown option '--m'/.test(e.message),
  );
  assert.throws(() => parseOrThrow({ args: ["--n"], options }), UsageError);
});

Deno.test("joinNegativeValues: a negative number stays the option's value", () => {
  assert.deepEqual(joinNegativeValues(["--a", "-3", "--b", "x", "--c", "-inf", "--d"]), [
    "--a=-3",
    "--b",
    "x",
    "--c=-inf",
    "--d",
  ]);
});
