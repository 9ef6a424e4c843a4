import assert from "node:assert/strict";
import { UsageError } from "../../lib/dp-training/mod.ts";
import { parseTrainArgs } from "../../scripts/cli/train_options.ts";

function rejects(args: string[], message: RegExp): void {
  assert.throws(
    () => parseTrainArgs(args),
    (e: unknown) => e instanceof UsageError && message.test(e.message),
    `${args.join(" ")} should fail with ${message}`,
  );
}

Deno.test("train --data: defaults (split 0.2, seeded), model name from the path, learning rate by kind", () => {
  const d = parseTrainArgs(["--data", "photos/My Cats & Dogs/"]);
  assert.equal(d.data, "photos/My Cats & Dogs/");
  assert.equal(d.testFraction, 0.2);
  assert.equal(d.splitSeed, "faster-cryptonets/own-data/v1");
  assert.equal(d.out, "models/head/my_cats_dogs.json");
  assert.equal(d.learningRate, 0.003);
  assert.deepEqual(d.ignore, []);
  const c = parseTrainArgs([
    "--data",
    "x/Patients.CSV",
    "--label",
    "diagnosis",
    "--ignore",
    "id, notes",
    "--upper-bounds",
    "250",
    "--test-fraction",
    "0.25",
    "--split-seed",
    "s2",
  ]);
  assert.deepEqual(
    [c.label, c.ignore, c.upperBounds, c.testFraction, c.splitSeed, c.out, c.learningRate],
    ["diagnosis", ["id", "notes"], 250, 0.25, "s2", "models/head/patients.json", 0.05],
  );
  const t = parseTrainArgs(["--data", "a", "--test-data", "b", "--out", "m.json"]);
  assert.deepEqual([t.testData, t.out], ["b", "m.json"]);
  assert.equal(parseTrainArgs([]).data, undefined, "the built-in data sets stay the default");
});

Deno.test("train --data: --upper-bounds reads a JSON file {column: bound}", async () => {
  const path = await Deno.makeTempFile({ suffix: ".json" });
  try {
    await Deno.writeTextFile(path, '{"a": 10, "b": 2.5}');
    const o = parseTrainArgs(["--data", "t.csv", "--label", "y", "--upper-bounds", path]);
    assert.deepEqual(o.upperBounds, { a: 10, b: 2.5 });
    await Deno.writeTextFile(path, "[1, 2]");
    rejects(
      ["--data", "t.csv", "--label", "y", "--upper-bounds", path],
      /--upper-bounds: expected a JSON object \{column: bound\}/,
    );
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("train --data: bad combinations and values are usage errors naming the option", () => {
  rejects(
    ["--data", "d", "--dataset", "uci-digits"],
    /--data: expected either --dataset or --data/,
  );
  rejects(["--label", "y"], /--label: expected only with --data/);
  rejects(["--test-data", "t"], /--test-data: expected only with --data/);
  rejects(["--data", "d", "--label", "y"], /--label: expected only with a CSV file as --data/);
  rejects(["--data", "d", "--upper-bounds", "3"], /--upper-bounds: expected only with a CSV file/);
  rejects(["--data", "t.csv"], /--label: expected the label column of the CSV file, received none/);
  rejects(
    ["--data", "d", "--test-fraction", "1"],
    /--test-fraction: expected a number in \(0, 1\), received "1"/,
  );
  rejects(["--data", "d", "--test-fraction", ""], /--test-fraction: expected a number in \(0, 1\)/);
  rejects(
    ["--data", "d", "--test-fraction", "0"],
    /--test-fraction: expected a number in \(0, 1\), received "0"/,
  );
  rejects(
    ["--data", "t.csv", "--label", "y", "--upper-bounds", "0"],
    /--upper-bounds: expected a number > 0, received "0"/,
  );
  rejects(
    ["--data", "t.csv", "--label", "y", "--upper-bounds", "/nonexistent.json"],
    /--upper-bounds: expected a number or a JSON file \{column: bound\}, received "\/nonexistent.json"/,
  );
});
