import assert from "node:assert/strict";

const SCRIPT = new URL("../../../scripts/train_mnist.ts", import.meta.url).pathname;

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", SCRIPT, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test("train:mnist --help and a bad variant", async () => {
  const help = await run(["--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--variant/);
  const bad = await run(["--variant", "lenet"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /expected a variant among cryptonets, cryptodl/);
});

Deno.test("train:mnist --quick --json prints the results as the last stdout line", async () => {
  const r = await run(["--variant", "faster-swish-aq", "--quick", "--json", "--quiet"]);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split("\n");
  const report = JSON.parse(lines[lines.length - 1]);
  assert.equal(report.variants.length, 1);
  const v = report.variants[0];
  assert.equal(v.name, "faster-swish-aq");
  assert.equal(v.quick, true);
  assert.equal(v.cached, false);
  assert.equal(v.test_images, 1000);
  for (
    const k of ["float_accuracy", "quantized_accuracy", "output_bound_log2", "training_seconds"]
  ) {
    assert.equal(typeof v[k], "number", k);
  }
  assert.deepEqual(Object.keys(v.sparsity), ["conv1", "fc1", "fc2"]);
  assert.match(r.stderr, /\| faster-swish-aq \| swish-aq \|/);
});
