import assert from "node:assert/strict";
import { DatasetFormatError } from "../../lib/datasets/mod.ts";
import { parseNumericCsv } from "../../lib/datasets/csv.ts";

Deno.test("parseNumericCsv: numbers per row, trailing blank lines ignored, CRLF accepted", () => {
  assert.deepEqual(parseNumericCsv("1,2\r\n-3.5,4e2\r\n\r\n\n", "f.csv", 2), [[1, 2], [-3.5, 400]]);
});

Deno.test("parseNumericCsv: a wrong field count or a non-number names the file, line and field", () => {
  const fails = (text: string, first: number, message: RegExp) =>
    assert.throws(
      () => parseNumericCsv(text, "f.csv", 2, first),
      (e: unknown) =>
        e instanceof DatasetFormatError && e.file === "f.csv" && message.test(e.message),
    );
  fails("1,2\n3\n", 1, /line 2: expected 2 comma-separated fields, received 1/);
  fails("1,2\n\n3,4\n", 2, /line 3: expected 2 comma-separated fields, received 1/);
  fails("1,2\n3,x\n", 2, /line 3, field 2: expected a number, received "x"/);
  fails("1,\n", 1, /line 1, field 2: expected a number, received ""/);
  fails("1,0x1\n", 1, /line 1, field 2: expected a number, received "0x1"/);
});
