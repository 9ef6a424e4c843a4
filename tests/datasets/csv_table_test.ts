import assert from "node:assert/strict";
import { DataError, readCsvTable } from "../../lib/datasets/mod.ts";

async function csv(text: string | Uint8Array): Promise<string> {
  const path = await Deno.makeTempFile({ suffix: ".csv" });
  if (typeof text === "string") await Deno.writeTextFile(path, text);
  else await Deno.writeFile(path, text);
  return path;
}

const dataError = (where: { path: string; line?: number; column?: string }, message: RegExp) =>
(
  e: unknown,
) =>
  e instanceof DataError && e.path === where.path && e.line === where.line &&
  e.column === where.column && message.test(e.message);

Deno.test("readCsvTable: a spreadsheet's CSV (BOM, CRLF, quoted fields with commas, semicolons and quotes, string labels)", async () => {
  const path = await csv(
    '\uFEFF"id","radius, mean","area; worst","diagnosis"\r\n' +
      '"p-1","1.5","10","malignant; confirmed"\r\n' +
      '"p-2",2,"2e1","benign"\r\n' +
      "\r\n" +
      'p-3, -0.25 ,.5,"said ""benign"""\r\n',
  );
  try {
    const t = await readCsvTable(path, { label: "diagnosis", ignore: ["id"] });
    assert.deepEqual(t.columns, ["radius, mean", "area; worst"]);
    assert.deepEqual(t.shape, [2]);
    assert.equal(t.count, 3);
    assert.deepEqual(Array.from(t.x), [1.5, 10, 2, 20, -0.25, 0.5]);
    assert.deepEqual(t.classes, ["benign", "malignant; confirmed", 'said "benign"']);
    assert.deepEqual(Array.from(t.y), [1, 0, 2]);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("readCsvTable: semicolon files with decimal commas; numeric labels sort numerically", async () => {
  const path = await csv("a;b;class\n1,5;2;10\n3;4,25;2\n0;0;10\n");
  try {
    const t = await readCsvTable(path, { label: "class" });
    assert.deepEqual(Array.from(t.x), [1.5, 2, 3, 4.25, 0, 0]);
    assert.deepEqual(t.classes, ["2", "10"]);
    assert.deepEqual(Array.from(t.y), [1, 0, 1]);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("readCsvTable: every bad file is a DataError naming the file, line and column", async () => {
  const cases: [string | Uint8Array, { line?: number; column?: string }, RegExp, string[]?][] = [
    ["", {}, /expected a header row, received an empty file/],
    ["\uFEFF\r\n\r\n", {}, /expected a header row, received an empty file/],
    ["a,b,label\n", {}, /expected data rows after the header, received none/],
    [
      "a,b\n1,2\n",
      { line: 1, column: "label" },
      /expected a label column "label", received columns \["a","b"\]/,
    ],
    [
      "a,a,label\n1,2,x\n",
      { line: 1, column: "a" },
      /expected unique column names, received "a" in fields 1 and 2/,
    ],
    ["a,,label\n1,2,x\n", { line: 1 }, /header field 2: expected a column name, received ""/],
    [
      "a,b,label\n1,2,x\n3,oops,y\n",
      { line: 3, column: "b" },
      /expected a number, received "oops"/,
    ],
    [
      "a,b,label\n1,2,x\n3,,y\n",
      { line: 3, column: "b" },
      /expected a number, received an empty cell/,
    ],
    ["a,b,label\n1,0x10,x\n", { line: 2, column: "b" }, /expected a number, received "0x10"/],
    [
      "a,b,label\n1,Infinity,x\n",
      { line: 2, column: "b" },
      /expected a number, received "Infinity"/,
    ],
    ["a,b,label\n1,2,\n", { line: 2, column: "label" }, /expected a label, received an empty cell/],
    [
      "a,b,label\n1,2,x\n3,4\n",
      { line: 3 },
      /expected CSV \(a header row, then rows of as many fields\)/,
    ],
    ['a,b,label\n1,2,"x\n', { line: 2 }, /Quote Not Closed/],
    [
      "a,b,label\n1,2,x\n3,4,x\n",
      { column: "label" },
      /expected at least 2 classes, received 1 \(\["x"\]\)/,
    ],
    [
      "label,id\nx,1\ny,2\n",
      { line: 1 },
      /expected at least one feature column besides the label/,
      ["id"],
    ],
    [
      "a,label\n1,x\n2,y\n",
      { line: 1, column: "id" },
      /expected the column to ignore in the header/,
      ["id"],
    ],
  ];
  for (const [text, where, message, ignore] of cases) {
    const path = await csv(text);
    try {
      await assert.rejects(
        readCsvTable(path, { label: "label", ignore }),
        dataError({ path, ...where }, message),
        JSON.stringify(text),
      );
    } finally {
      await Deno.remove(path);
    }
  }
  await assert.rejects(
    readCsvTable("/nonexistent/x.csv", { label: "y" }),
    dataError({ path: "/nonexistent/x.csv" }, /expected a readable CSV file/),
  );
});

Deno.test("readCsvTable: with the training classes given, an unknown label is a DataError", async () => {
  const path = await csv("a,label\n1,x\n2,z\n");
  try {
    const t = await readCsvTable(path, { label: "label", classes: ["x", "y"] });
    assert.fail(`expected an error, received ${t.count} rows`);
  } catch (e) {
    assert.ok(
      dataError(
        { path, line: 3, column: "label" },
        /expected a label among \["x","y"\], received "z"/,
      )(e),
      String(e),
    );
  } finally {
    await Deno.remove(path);
  }
});
