import assert from "node:assert/strict";
import { BOUND_EDGES, loadOwnData, seededRandom } from "../../lib/dp-training/mod.ts";
import { parseTrainArgs } from "../../scripts/cli/train_options.ts";

/** A CSV of `n` rows: two numeric columns on different scales and a string label. */
function csv(n: number): string {
  const rows = ["size,ratio,label"];
  for (let i = 0; i < n; i++) {
    const big = i % 2 === 1;
    rows.push(`${(big ? 300 : 40) + (i % 17)},${0.02 + (i % 9) * 0.001},${big ? "big" : "small"}`);
  }
  return rows.join("\n") + "\n";
}

Deno.test("CSV with --upper-bounds dp: DP bounds, their cost carried by the training split", async () => {
  const dir = await Deno.makeTempDir({ prefix: "fcn_csv_dp_" });
  try {
    const path = `${dir}/table.csv`;
    await Deno.writeTextFile(path, csv(600));
    const o = parseTrainArgs(["--data", path, "--label", "label", "--upper-bounds", "dp"]);
    assert.equal(o.upperBounds, "dp");
    const data = await loadOwnData({ ...o, data: path, boundsRandom: seededRandom("csv") });
    assert.equal(data.bounds?.source, "dp");
    assert.equal(data.train.spent?.length, 1);
    assert.match(data.train.spent![0].label, /^dp bounds: noisy histogram of 2 columns/);
    for (const v of [...data.bounds!.lower, ...data.bounds!.upper]) {
      assert.ok(BOUND_EDGES.includes(v), `${v} is not a public grid edge`);
    }
    // The exact extremes of the private rows (40, 316; 0.02, 0.028) are not published.
    assert.ok(!data.bounds!.upper.includes(316) && !data.bounds!.lower.includes(40));
    assert.match(data.preprocessing, /DP bounds: .* charged to the privacy ledger/);
    assert.equal(data.test.spent, undefined);
    // User-given bounds are recorded as such, with no cost.
    const user = await loadOwnData({ ...o, data: path, upperBounds: 1000 });
    assert.equal(user.bounds?.source, "user");
    assert.equal(user.train.spent, undefined);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
