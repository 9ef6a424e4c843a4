import assert from "node:assert/strict";

/** Runs `deno task loadtest` with `args`; returns its exit code, JSON result and stderr. */
async function loadtest(args: string[]) {
  const r = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-all",
      new URL("../../scripts/loadtest.ts", import.meta.url).pathname,
      ...args,
    ],
    cwd: new URL("../../", import.meta.url),
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  const lines = text(r.stdout).trim().split("\n");
  return {
    code: r.code,
    json: JSON.parse(lines[lines.length - 1] || "null"),
    stderr: text(r.stderr),
  };
}

Deno.test("loadtest --workers 2: one worker then two in the same run, every answer checked, throughput_ratio", async () => {
  const r = await loadtest([
    "--model",
    "tests/vectors/head.json",
    "--workers",
    "2",
    "--clients",
    "2",
    "--pool",
    "2",
    "--seconds",
    "2",
    "--json",
  ]);
  assert.equal(r.code, 0, r.stderr);
  const j = r.json;
  assert.deepEqual(j.phases.map((p: { workers: number }) => p.workers), [1, 2]);
  assert.equal(j.errors, 0, r.stderr);
  assert.equal(j.mismatches, 0);
  for (const p of j.phases) {
    assert.ok(p.requests > 0, "each phase answered requests");
    assert.equal(p.heap_bytes_after.length, p.workers, "a heap figure per worker");
    // The server's CPU time (all workers) over the window: more than none, at most its workers.
    assert.ok(
      p.server_cpu_cores > 0 && p.server_cpu_cores <= p.workers + 0.2,
      String(p.server_cpu_cores),
    );
  }
  // Both phases used the planner's plan for one query; the ratio is of their throughputs.
  assert.equal(j.phases[0].plan, j.phases[1].plan);
  assert.ok(
    Math.abs(j.throughput_ratio - j.phases[1].queries_per_s / j.phases[0].queries_per_s) < 1e-9,
  );
});
