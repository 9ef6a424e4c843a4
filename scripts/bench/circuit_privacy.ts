/**
 * `deno task bench:circuit-privacy [--json] [--repeats N] [--batch N] [--model PATH]`
 *
 * What circuit privacy costs, measured in one run through the server path (`runPlan`: unpack,
 * evaluate, mask, flood, shrink, pack) on the demo head: for poly and simd, the plan without
 * masking, the served (masked) plan, and its flooded variant. Latency medians over `--repeats`
 * evaluations of one request (poly: one query; simd: `--batch` queries), run round-robin over the
 * three so that load from elsewhere affects them alike, the stage times, request,
 * response and key sizes, the response's noise budget, and a bit-for-bit check of every answer.
 *
 * A table goes to stderr; with `--json` one JSON object is the last line of stdout.
 *
 * @module
 */
import { parseCli, usageExit } from "../cli/usage.ts";
import { type PlanOptions, PLANS } from "../../lib/he-head/mod.ts";
import { type PlanServer, preparePlanServer } from "../../lib/he-head/server.ts";
import { compileModel } from "../../lib/model/network.ts";
import { readModel } from "../../lib/model/mod.ts";
import { formatBytes, formatTable } from "../../lib/report/mod.ts";
import { type PlanBench, type PreparedPlan, preparePlan } from "./plans.ts";

const USAGE =
  "usage: deno task bench:circuit-privacy [--json] [--repeats N] [--batch N] [--model PATH]";
const { values: args } = parseCli(USAGE, {
  options: {
    json: { type: "boolean", default: false },
    repeats: { type: "string", default: "5" },
    batch: { type: "string", default: "64" },
    model: { type: "string", default: "models/head/uci_digits.json" },
  },
});
const repeats = Number(args.repeats), batch = Number(args.batch);
for (const [name, v] of [["--repeats", repeats], ["--batch", batch]] as const) {
  if (!Number.isInteger(v) || v < 1) {
    usageExit(USAGE, `${name}: expected a positive integer, received ${v}`);
  }
}
const log = (s: string) => console.error(s);

const net = compileModel(await readModel(args.model!));
log(`circuit-privacy benchmark on ${args.model} (${repeats} repeats, simd batch ${batch})`);

type Variant = "unmasked" | "masked" | "flooded";
const rows: (PlanBench & { variant: Variant; params: string })[] = [];
const VARIANTS: [Variant, PlanOptions][] = [
  ["unmasked", { masked: false }],
  ["masked", {}],
  ["flooded", { flooded: true }],
];
for (const kind of ["bfv_poly", "bfv_simd"] as const) {
  const encoding = PLANS[kind].encoding;
  const plans: [Variant, PlanServer][] = [];
  const prepared: PreparedPlan[] = [];
  try {
    for (const [variant, options] of VARIANTS) {
      const spec = await PLANS[kind].plan(net, options);
      if (!spec) throw new RangeError(`${kind}: no parameters leave room for ${variant} answers`);
      plans.push([variant, await preparePlanServer(spec, net)]);
    }
    const queries = PLANS[kind].chargedPerQuery ? batch : 1;
    for (const [variant, plan] of plans) {
      log(`  ${encoding} ${variant}: ${plan.name}`);
      prepared.push(await preparePlan(plan, net, queries));
    }
    // Round-robin, so load from elsewhere on the machine spreads over the variants alike.
    for (let r = 0; r < repeats; r++) for (const p of prepared) await p.run();
    for (const [i, [variant, plan]] of plans.entries()) {
      rows.push({ ...(await prepared[i].finish()), variant, params: plan.name });
    }
  } finally {
    prepared.forEach((p) => p.delete());
    plans.forEach(([, p]) => p.close());
  }
}

const ms = (x: number | undefined) => (x === undefined ? "" : x);
log(formatTable([
  [
    "encoding",
    "variant",
    "parameters",
    "queries",
    "server ms",
    "evaluate",
    "mask",
    "flood",
    "pack",
    "query",
    "response",
    "keys",
    "budget left",
    "exact",
  ],
  ...rows.map((r) => [
    r.encoding,
    r.variant,
    r.params,
    r.queries,
    r.server_ms,
    ms(r.evaluate_ms),
    ms(r.mask_ms),
    ms(r.flood_ms),
    ms(r.pack_ms),
    formatBytes(r.query_bytes),
    formatBytes(r.response_bytes),
    formatBytes(r.key_bytes),
    r.response_budget_bits ?? "",
    r.exact ? "yes" : "NO",
  ]),
]));

const row = (e: string, v: Variant) => rows.find((r) => r.encoding === e && r.variant === v)!;
const ratio = (a: PlanBench, b: PlanBench) => ({
  latency: a.server_ms / b.server_ms,
  query_bytes: a.query_bytes / b.query_bytes,
  response_bytes: a.response_bytes / b.response_bytes,
  key_bytes: a.key_bytes / b.key_bytes,
});
const ratios = Object.fromEntries(
  (["poly", "simd"] as const).map((e) => [e, {
    masked_vs_unmasked: ratio(row(e, "masked"), row(e, "unmasked")),
    flooded_vs_masked: ratio(row(e, "flooded"), row(e, "masked")),
  }]),
);
for (const [e, r] of Object.entries(ratios)) {
  log(
    `${e}: masking x${r.masked_vs_unmasked.latency.toFixed(2)} latency; flooding x${
      r.flooded_vs_masked.latency.toFixed(2)
    } latency, x${r.flooded_vs_masked.query_bytes.toFixed(2)} query, x${
      r.flooded_vs_masked.response_bytes.toFixed(2)
    } response, x${r.flooded_vs_masked.key_bytes.toFixed(2)} keys`,
  );
}
if (!rows.every((r) => r.exact)) {
  throw new Error("an encrypted answer differs from the integer head");
}
if (args.json) {
  console.log(JSON.stringify({ model: args.model, repeats, batch, rows, ratios }));
}
