/**
 * `deno task vectors [--plan NAME] [--force]`: writes the wire-protocol test vectors of every
 * served plan that has none yet (`tests/vectors/<plan>/`), on the committed head
 * `tests/vectors/head.json` (written first when missing). `--plan` remakes one plan's vector,
 * `--force` every one. Remake a vector only when its plan's wire format changes on purpose: the
 * new bytes are random (fresh keys, SEAL's own encryption randomness).
 *
 * @module
 */
import { parseCli, usageExit } from "../../scripts/cli/usage.ts";
import { formatTable } from "../../lib/report/mod.ts";
import { makeVector } from "./make_vector.ts";
import { HEAD_FILE, makeVectorHead, vectorFile, vectorHead, vectorSpecs } from "./vectors.ts";

const USAGE = "usage: deno task vectors [--plan NAME] [--force]";
const { values: a } = parseCli(USAGE, {
  options: { plan: { type: "string" }, force: { type: "boolean", default: false } },
});

const exists = (u: URL) => Deno.stat(u).then(() => true, () => false);
if (!(await exists(HEAD_FILE))) {
  await Deno.writeTextFile(HEAD_FILE, JSON.stringify(makeVectorHead(), null, 2) + "\n");
}
const { net } = await vectorHead();
const specs = await vectorSpecs(net);
if (a.plan !== undefined && !specs.some((s) => s.name === a.plan)) {
  usageExit(
    USAGE,
    `--plan: expected one of ${specs.map((s) => s.name).join(", ")}, received ${a.plan}`,
  );
}
const rows: (string | number)[][] = [["plan", "file", "bytes", "written"]];
for (const spec of specs) {
  const remake = a.force || a.plan === spec.name ||
    (a.plan === undefined && !(await exists(vectorFile(spec.name, "vector.json"))));
  if (!remake) continue;
  const meta = await makeVector(spec, net);
  for (const [name, f] of Object.entries(meta.files)) rows.push([spec.name, name, f.bytes, "yes"]);
  console.error(`${spec.name}: written (server deterministic: ${meta.server_deterministic})`);
}
console.error(rows.length > 1 ? formatTable(rows) : "every served plan has its vector");
