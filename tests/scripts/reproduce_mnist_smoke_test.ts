import assert from "node:assert/strict";

Deno.test("reproduce:mnist --quick --images 3: encrypted predictions equal the integer reference", async () => {
  const out = await Deno.makeTempDir();
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-all",
      "scripts/reproduce_mnist.ts",
      "--quick",
      "--images",
      "3",
      "--latency-images",
      "1",
      "--out",
      out,
      "--json",
    ],
    cwd: new URL("../../", import.meta.url),
    stdout: "piped",
    stderr: "piped",
  }).output();
  const err = new TextDecoder().decode(stderr);
  assert.equal(code, 0, err.slice(-2000));
  const lines = new TextDecoder().decode(stdout).trim().split("\n");
  const result = JSON.parse(lines[lines.length - 1]);
  assert.equal(result.quick, true);
  const [v] = result.variants;
  assert.equal(v.encrypted_images, 3);
  assert.equal(v.encrypted_mismatches, 0, "SIMD batch equals the integer reference");
  assert.equal(v.poly_mismatches, 0, "poly single image equals the integer reference");
  assert.ok(
    v.hops_total.ct_ct_mul > 0 && v.hops_total.plain_mul_dense === 0,
    "power-of-two weights need no dense plaintext",
  );
  assert.equal(result.packed.encrypted_images, 3, "the packed CKKS row ran too");
  assert.ok(result.packed.hops.ct_ct_mul === 2, "one square per activation layer");
  assert.equal(result.packed_key_bytes, result.packed.key_bytes);
  assert.ok(result.packed_key_bytes <= 24e6, `${result.packed_key_bytes} B of keys`);
  assert.equal(result.packed_latency_s, result.packed.latency_s);
  for (const f of ["table.md", "results.json", "hops_per_layer.svg", "latency.svg"]) {
    await Deno.stat(`${out}/${f}`);
  }
  await Deno.remove(out, { recursive: true });
});

Deno.test("reproduce:mnist --packed-only: before and after the key budget on the same images", async () => {
  const out = await Deno.makeTempDir();
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-all",
      "scripts/reproduce_mnist.ts",
      "--packed-only",
      "--quick",
      "--images",
      "2",
      "--out",
      out,
      "--json",
    ],
    cwd: new URL("../../", import.meta.url),
    stdout: "piped",
    stderr: "piped",
  }).output();
  const err = new TextDecoder().decode(stderr);
  assert.equal(code, 0, err.slice(-2000));
  const lines = new TextDecoder().decode(stdout).trim().split("\n");
  const r = JSON.parse(lines[lines.length - 1]);
  assert.equal(r.before.encrypted_images, 2);
  assert.equal(r.after.encrypted_images, 2);
  assert.ok(r.before.galois_steps > r.after.galois_steps);
  assert.ok(r.packed_key_bytes <= 24e6 && r.keys_met, `${r.packed_key_bytes} B of keys`);
  assert.ok(r.before.key_bytes > 4 * r.after.key_bytes);
  assert.equal(r.packed_latency_s, r.after.latency_s);
  assert.equal(r.latency_ratio, r.after.latency_s / r.before.latency_s);
  assert.match(err, /keys .*x smaller \(met\)/);
  for (const f of ["packed_keys.md", "packed_keys.json", "packed_keys.svg"]) {
    await Deno.stat(`${out}/${f}`);
  }
  await Deno.remove(out, { recursive: true });
});

Deno.test("reproduce:mnist refuses bad options before any work, naming option and value", async () => {
  for (
    const [args, message] of [
      [["--images", "0"], /--images: expected an integer in \[1, 8192\], received 0/],
      [
        ["--baseline-poly-max-s=-5"],
        /--baseline-poly-max-s: expected an integer .* received -5/,
      ],
      [["--workers", "two"], /--workers: expected an integer in \[1, 16\], received two/],
    ] as const
  ) {
    const { code, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-all", "scripts/reproduce_mnist.ts", ...args],
      cwd: new URL("../../", import.meta.url),
      stdout: "null",
      stderr: "piped",
    }).output();
    assert.notEqual(code, 0, args.join(" "));
    assert.match(new TextDecoder().decode(stderr), message);
  }
});
