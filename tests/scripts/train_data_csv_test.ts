/**
 * `deno task train --data FILE.csv --label COLUMN` end to end: the Wisconsin breast cancer data
 * written as a spreadsheet would write it (BOM, CRLF, every field quoted, a notes column with
 * commas and semicolons, string labels) -> the real train command with public upper bounds and a
 * separate test file -> `deno serve` on loopback -> the test rows classified over HTTP with an
 * encrypted plan, equal to the plaintext integer head.
 */
import assert from "node:assert/strict";
import { issueToken, startServer } from "../../lib/server/local_server.ts";
import { HeadClient } from "../../lib/client/mod.ts";
import {
  BREAST_CANCER_FEATURES,
  type Dataset,
  loadBreastCancer,
  readCsvTable,
} from "../../lib/datasets/mod.ts";
import {
  BREAST_CANCER_PUBLIC_UPPER,
  tabularStandardizer,
} from "../../lib/feature-extractor/mod.ts";
import { argmax, evaluatePlain } from "../../lib/he-head/engine/plain.ts";
import { compileModel } from "../../lib/model/network.ts";
import { readModel } from "../../lib/model/files.ts";

const ROOT = new URL("../../", import.meta.url);

async function run(args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** `d` as a spreadsheet's CSV export. */
function spreadsheet(d: Dataset): string {
  const q = (s: string) => `"${s.replaceAll('"', '""')}"`;
  const lines = [["patient", ...BREAST_CANCER_FEATURES, "notes", "diagnosis"].map(q).join(",")];
  for (let i = 0; i < d.count; i++) {
    const values = Array.from(d.x.subarray(30 * i, 30 * i + 30), (v) => q(String(v)));
    const note = i % 3 === 0 ? 'seen twice; "urgent", ward 4' : "";
    lines.push([q(`P-${i}`), ...values, q(note), q(d.classes[d.y[i]])].join(","));
  }
  return "\uFEFF" + lines.join("\r\n") + "\r\n";
}

Deno.test("train --data FILE.csv --label -> serve -> encrypted classification == plaintext integer head", async () => {
  const { train, test } = await loadBreastCancer();
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/patients.csv`, spreadsheet(train));
  await Deno.writeTextFile(`${dir}/held_out.csv`, spreadsheet(test));
  const bounds = Object.fromEntries(
    BREAST_CANCER_FEATURES.map((c, j) => [c, BREAST_CANCER_PUBLIC_UPPER[j]]),
  );
  await Deno.writeTextFile(`${dir}/bounds.json`, JSON.stringify(bounds));
  const out = `${dir}/patients.json`;
  const trained = await run([
    "run",
    "--allow-all",
    "scripts/train.ts",
    "--data",
    `${dir}/patients.csv`,
    "--label",
    "diagnosis",
    "--ignore",
    "patient,notes",
    "--upper-bounds",
    `${dir}/bounds.json`,
    "--test-data",
    `${dir}/held_out.csv`,
    "--target-epsilon",
    "3",
    "--hidden",
    "0",
    "--out",
    out,
    "--quiet",
    "--json",
  ]);
  assert.equal(trained.code, 0, trained.stderr);
  const card = JSON.parse(trained.stdout.trim().split("\n").pop()!);
  assert.equal(card.private, true);
  assert.deepEqual([card.dataset.name, card.dataset.train, card.dataset.test], [
    "patients",
    train.count,
    test.count,
  ]);
  assert.ok(card.test_accuracy.quantized > 0.7, `a useful head (${card.test_accuracy.quantized})`);
  const model = await readModel(out);
  assert.deepEqual(model.classes, ["benign", "malignant"], "string labels, sorted");
  // Without --classes the names come from the private labels: the card says so.
  assert.ok(
    card.privacy.not_covered.some((n: string) => /class names read from the private data/.test(n)),
    JSON.stringify(card.privacy.not_covered),
  );
  assert.ok(
    model.metadata?.privacy?.not_covered?.some((n) => /pass --classes/.test(n)),
    "the model file's privacy block carries it too",
  );

  // The same public standardisation, applied to the held-out file as a client would.
  const table = await readCsvTable(`${dir}/held_out.csv`, {
    label: "diagnosis",
    ignore: ["patient", "notes"],
  });
  const std = await tabularStandardizer(
    "patients-public-sqrt",
    table.columns,
    BREAST_CANCER_PUBLIC_UPPER,
    model.input,
  );
  assert.equal(std.id, (model.metadata as { extractor: { id: string } }).extractor.id);
  const n = 40;
  const x = std.transformQuantized(table.x.subarray(0, 30 * n), n);
  const want = evaluatePlain(compileModel(model), x, n);
  const token = await issueToken(`${dir}/keys.kv`, "train-csv-e2e");
  const server = await startServer({ FCN_MODEL: out, FCN_KV: `${dir}/keys.kv` });
  try {
    const client = await HeadClient.connect(server.base, { token });
    assert.deepEqual(client.description.classes, ["benign", "malignant"]);
    using simd = await client.session("simd");
    const r = await simd.classify(x, n);
    assert.deepEqual(r.logits, want);
    const correct = want.filter((l, i) =>
      model.classes![argmax(l)] === table.classes[table.y[i]]
    ).length;
    assert.ok(correct / n > 0.7, `encrypted answers are diagnoses (${correct}/${n})`);
  } finally {
    await server.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("train --data FILE.csv: a bad cell names line and column, missing bounds or label are refused, nothing written", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const rows = [
      "a,b,label",
      ...Array.from({ length: 20 }, (_, i) => `${i},${i % 7},${i % 2 ? "yes" : "no"}`),
    ];
    rows[9] = "8,n/a,no";
    await Deno.writeTextFile(`${dir}/t.csv`, rows.join("\r\n"));
    const base = [
      "run",
      "--allow-all",
      "scripts/train.ts",
      "--data",
      `${dir}/t.csv`,
      "--quiet",
      "--out",
      `${dir}/m.json`,
    ];
    const bad = await run([...base, "--label", "label", "--upper-bounds", "20"]);
    assert.equal(bad.code, 1, bad.stderr);
    assert.match(
      bad.stderr,
      /error: .*t\.csv, line 10, column "b": expected a number, received "n\/a"/,
    );
    const noLabel = await run([...base, "--label", "y", "--upper-bounds", "20"]);
    assert.match(
      noLabel.stderr,
      /t\.csv, line 1, column "y": expected a label column "y", received columns \["a","b","label"\]/,
    );
    rows[9] = "8,1,no";
    await Deno.writeTextFile(`${dir}/t.csv`, rows.join("\r\n"));
    const noBounds = await run([...base, "--label", "label"]);
    assert.notEqual(noBounds.code, 0);
    assert.match(
      noBounds.stderr,
      /--upper-bounds: expected public upper bounds of the columns \["a","b"\]/,
    );
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["t.csv"], "nothing written");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
