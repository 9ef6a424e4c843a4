/**
 * `deno task build:scatternet [--out models/scatternet] [--json]`
 *
 * Writes the handcrafted ScatterNet extractor (Morlet wavelets J = 2, L = 8 on 28 x 28 grey
 * images; see `lib/feature-extractor/scatternet.ts`) as a tfjs graph model: `model.json` and
 * `weights.bin`. No data is involved, so the bytes, and therefore the extractor id printed, are
 * the same on every machine.
 *
 * @module
 */
import { extractorId, scatterNetFiles } from "../lib/feature-extractor/mod.ts";
import { parseCli } from "./cli/usage.ts";

const USAGE = `usage: deno task build:scatternet [options]
  --out DIR   folder to write model.json and weights.bin to (default models/scatternet)
  --json      print {"id": ..., "dir": ...} as the last stdout line`;

const { values: v } = parseCli(USAGE, {
  options: {
    out: { type: "string", default: "models/scatternet" },
    json: { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});
const { json, weights } = scatterNetFiles();
const jsonBytes = new TextEncoder().encode(JSON.stringify(json));
await Deno.mkdir(v.out, { recursive: true });
await Deno.writeFile(`${v.out}/model.json`, jsonBytes);
await Deno.writeFile(`${v.out}/weights.bin`, weights);
const id = await extractorId([jsonBytes, weights]);
console.error(`${v.out}: ScatterNet J=2 L=8, ${weights.length} bytes of fixed filters, id ${id}`);
if (v.json) console.log(JSON.stringify({ id, dir: v.out }));
