/**
 * The wide benchmark (issue 13 §2): the exact `bfv_wide` plan on random pruned power-of-two heads
 * (`wide_heads.ts`) for d in {48, 128, 256, 512, 1024} x hidden in {32, 64, 128}. Per point: the
 * server's time for one query (median; the evaluation stage beside it), query, response and key
 * bytes (envelopes as sent), bit-exactness against the integer head on every repeat, and the floor
 * (the plan's SEAL operations times their unit costs measured in the same run). Writes a table and
 * an SVG chart to `results/wide/`.
 *
 * @module
 */
import { evaluatePlain, type Network, type PlanOptions, PLANS } from "../../lib/he-head/mod.ts";
import { openPlanClient } from "../../lib/he-head/client.ts";
import { preparePlanServer } from "../../lib/he-head/server.ts";
import { median, ProgressBar } from "../../lib/report/mod.ts";
import { wideChart, wideTable } from "./wide_report.ts";
import { rng } from "./micro.ts";
import { floorMs, measureWideUnitCosts, type WideUnitCosts } from "./wide_costs.ts";
import { wideNetwork } from "./wide_heads.ts";

/** One point of the grid. */
export interface WideBench {
  d: number;
  hidden: number;
  /** The plan's name (ring and t), or null when the head does not fit. */
  plan: string | null;
  /** Median ms of `PlanServer.evaluate` for one query (unpack, evaluate, mask, switch, pack). */
  server_ms: number;
  /** Median ms of its evaluation stage alone. */
  eval_ms: number;
  /** Median ms spent inside SEAL calls during that stage (eval_ms - seal_ms is JavaScript). */
  seal_ms: number;
  query_bytes: number;
  response_bytes: number;
  key_bytes: number;
  /** Every repeat's logits equal the integer head's. */
  exact: boolean;
  /** SEAL operations times their unit costs measured in this run. */
  floor_ms: number;
  /** Batching rows holding distinct blocks (1: one Galois key less, more rotations). */
  lanes: number;
  /** The planner's expected ms (default op-cost table). */
  estimated_ms: number;
  /** Noise budget left in the last answer (bits). */
  budget_bits: number;
}

/** Options of {@linkcode benchWide}. */
export interface WideOptions {
  repeats: number;
  log: (s: string) => void;
  dims?: number[];
  hiddens?: number[];
  /** Where the table and chart go (default `results/wide/`); null: nowhere. */
  outDir?: string | null;
}

const SIGNAL = () => ({ signal: AbortSignal.timeout(600_000), maxBytes: 1 << 30 });

/** Inputs of repeat `i`: all maxima, alternating extremes, then random. */
function inputs(net: Network, i: number): Int32Array {
  const r = rng(1000 + i), { inputSize: d, inputMin: lo, inputMax: hi } = net;
  return Int32Array.from(
    { length: d },
    (_, k) => i === 0 ? hi : i === 1 ? (k % 2 ? lo : hi) : lo + Math.floor(r() * (hi - lo + 1)),
  );
}

// long: one grid point is one straight sequence of prepare, keys, unit costs, repeats, cleanup
async function benchPoint(
  d: number,
  hidden: number,
  repeats: number,
  costs: Map<string, WideUnitCosts>,
  options: PlanOptions = {},
): Promise<WideBench> {
  const net = wideNetwork(d * 1000 + hidden, d, hidden);
  const spec = await PLANS.bfv_wide.plan(net, options);
  const none = {
    server_ms: NaN,
    eval_ms: NaN,
    seal_ms: NaN,
    query_bytes: 0,
    response_bytes: 0,
    key_bytes: 0,
  };
  if (!spec) {
    return {
      d,
      hidden,
      plan: null,
      ...none,
      exact: false,
      floor_ms: NaN,
      lanes: 0,
      estimated_ms: NaN,
      budget_bits: NaN,
    };
  }
  const server = await preparePlanServer(spec, net);
  const client = await openPlanClient(spec);
  try {
    const keyBytes = (await client.evaluationKeys())!;
    const keys = await server.unpackKeys(keyBytes, { check: true });
    try {
      // Unit costs right before this point's queries: the machine's load drifts between points.
      const unit = measureWideUnitCosts(client, keys, repeats);
      const lanes = spec.extra.layout.lanes;
      costs.set(
        `d=${d} hidden=${hidden} lanes=${lanes} (${spec.params.coeffModulusBits.join("x")})`,
        unit,
      );
      const server_ms: number[] = [], eval_ms: number[] = [], seal_ms: number[] = [];
      let exact = true, query = 0, response = 0, budget = Infinity;
      for (let i = 0; i < repeats; i++) {
        const x = inputs(net, i);
        const request = await client.encrypt(x, 1);
        const t0 = performance.now();
        const out = await server.evaluate(request, keys, SIGNAL());
        server_ms.push(performance.now() - t0);
        eval_ms.push(out.stages?.evaluate_ms ?? NaN);
        seal_ms.push(out.stages?.seal_ms ?? NaN);
        const got = await client.decrypt(out.body, 1, { noiseBudget: true });
        const want = evaluatePlain(net, x, 1);
        exact &&= JSON.stringify(got.logits?.map((r) => r.map(String))) ===
          JSON.stringify(want.map((r) => r.map(String)));
        [query, response] = [request.length, out.body.length];
        budget = Math.min(budget, got.noiseBudgetBits ?? NaN);
      }
      return {
        d,
        hidden,
        plan: spec.name,
        server_ms: median(server_ms),
        eval_ms: median(eval_ms),
        seal_ms: median(seal_ms),
        query_bytes: query,
        response_bytes: response,
        key_bytes: keyBytes.length,
        exact,
        floor_ms: floorMs(spec.extra.ops, unit),
        lanes: spec.extra.layout.lanes,
        estimated_ms: spec.cost.estimatedMs,
        budget_bits: budget,
      };
    } finally {
      keys.delete();
    }
  } finally {
    client.close();
    server.close();
  }
}

/** What {@linkcode benchWide} measured. */
export interface WideResult {
  /** One row per grid point. */
  rows: WideBench[];
  /** Unit costs per point. */
  unit_costs: Record<string, WideUnitCosts>;
  /**
   * d = 512, hidden 64 (the target point) in both layouts, same run: the planner's (within the
   * 4 MiB key budget) and the fastest whatever its keys (`rotationKeys: "direct"`).
   */
  target_layouts: WideBench[];
}

/** Runs the grid; logs the table; writes `wide.md`, `wide.json` and `wide.svg`. */
export async function benchWide(o: WideOptions): Promise<WideResult> {
  const dims = o.dims ?? [48, 128, 256, 512, 1024], hiddens = o.hiddens ?? [32, 64, 128];
  const bar = new ProgressBar(dims.length * hiddens.length, "wide");
  const costs = new Map<string, WideUnitCosts>();
  const rows: WideBench[] = [];
  for (const hidden of hiddens) {
    for (const d of dims) {
      rows.push(await benchPoint(d, hidden, o.repeats, costs));
      bar.update(rows.length, `d=${d} hidden=${hidden}`);
    }
  }
  const target = rows.find((r) => r.d === 512 && r.hidden === 64);
  const target_layouts = target
    ? [target, await benchPoint(512, 64, o.repeats, costs, { rotationKeys: "direct" })]
    : [];
  const table = wideTable(rows) +
    (target
      ? "\n\nd = 512, hidden 64 in both layouts (same run):\n" + wideTable(target_layouts)
      : "");
  o.log(table);
  const unit_costs = Object.fromEntries(costs);
  const outDir = o.outDir === undefined ? "results/wide" : o.outDir;
  if (outDir) {
    await Deno.mkdir(outDir, { recursive: true });
    const costLines = Object.entries(unit_costs).map(([ring, c]) =>
      `unit costs (ms, ${ring}): ` +
      Object.entries(c).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(", ")
    );
    await Deno.writeTextFile(
      `${outDir}/wide.md`,
      "```\n" + table + "\n" + costLines.join("\n") + "\n```\n",
    );
    await Deno.writeTextFile(
      `${outDir}/wide.json`,
      JSON.stringify({ rows, target_layouts, unit_costs }, null, 2) + "\n",
    );
    await Deno.writeTextFile(`${outDir}/wide.svg`, wideChart(rows));
  }
  return { rows, unit_costs, target_layouts };
}
