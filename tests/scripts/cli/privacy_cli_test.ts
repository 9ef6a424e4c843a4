import assert from "node:assert/strict";
import { UsageError } from "../../../scripts/cli/usage.ts";
import { parsePrivacyArgs, privacyReport } from "../../../scripts/cli/privacy_options.ts";

const BASE = [
  "--noise-multiplier",
  "1.12",
  "--sample-rate",
  String(256 / 60000),
  "--delta",
  "1e-5",
];

/** Runs `deno task privacy` with `args` as the task does (read and env permissions only). */
async function privacy(args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-env",
      new URL("../../../scripts/privacy.ts", import.meta.url).pathname,
      ...args,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

Deno.test("privacy --accountant: pld by default, rdp on request, anything else a usage error", () => {
  assert.equal(parsePrivacyArgs([...BASE, "--steps", "10"]).accountant, "pld");
  assert.equal(
    parsePrivacyArgs([...BASE, "--steps", "10", "--accountant", "rdp"]).accountant,
    "rdp",
  );
  assert.equal(
    parsePrivacyArgs([...BASE, "--steps", "10", "--accountant", "pld"]).accountant,
    "pld",
  );
  for (const bad of ["prv", "", "PLD"]) {
    assert.throws(
      () => parsePrivacyArgs([...BASE, "--steps", "10", "--accountant", bad]),
      (e: unknown) =>
        e instanceof UsageError && /--accountant: expected pld or rdp/.test(e.message),
    );
  }
});

Deno.test("privacy report: PLD below RDP with RDP beside it; rdp alone without PLD", () => {
  const o = parsePrivacyArgs([...BASE, "--steps", "1000"]);
  const pld = privacyReport(o).json, rdp = privacyReport({ ...o, accountant: "rdp" }).json;
  assert.equal(pld.accountant, "pld");
  assert.equal(pld.epsilon, pld.pld_epsilon);
  assert.equal(pld.rdp_epsilon, rdp.epsilon);
  assert.ok((pld.epsilon as number) < (rdp.epsilon as number));
  assert.equal(rdp.accountant, "rdp");
  assert.equal(rdp.pld_epsilon, undefined);
});

Deno.test("deno task privacy: the anchor with the default PLD accountant, RDP beside it", async () => {
  const r = await privacy([...BASE, "--epochs", "60", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split("\n");
  const j = JSON.parse(lines[lines.length - 1]);
  assert.equal(j.accountant, "pld");
  assert.ok(Math.abs(j.rdp_epsilon - 2.52) < 0.01, `RDP ${j.rdp_epsilon}`);
  assert.ok(j.epsilon < j.rdp_epsilon && j.epsilon > 0.8 * j.rdp_epsilon, `PLD ${j.epsilon}`);
  assert.match(r.stderr, /\(PLD, grid .*RDP 2\.5/);
});

Deno.test("deno task privacy: a bad --accountant exits 2 with the usage, no stack", async () => {
  const r = await privacy([...BASE, "--steps", "10", "--accountant", "moments"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /error: --accountant: expected pld or rdp, received "moments"/);
  assert.match(r.stderr, /usage: deno task privacy/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
  const help = await privacy(["--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--accountant pld\|rdp/);
});
