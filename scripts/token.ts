/**
 * `deno task token create --name NAME [--requests-per-minute N] [--queries-per-day N]
 *  [--key-sets N] [--key-bytes N]`, `deno task token revoke --name NAME`, `deno task token list
 * [--json]`; each takes `--kv PATH` (default `FCN_KV`, the server's store).
 *
 * Manages the server's bearer tokens in its Deno KV. `create` prints the new token once, alone on
 * stdout (only its SHA-256 is stored); `list` shows names, quotas and today's use, never a
 * token. `--help` prints the usage; a bad command or option prints it and exits with 2.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { usageExit } from "./cli/usage.ts";
import { DEFAULT_QUOTA, QuotaStore, TokenStore } from "../lib/server/mod.ts";
import type { Quota } from "../lib/protocol/mod.ts";

const USAGE = `usage:
  deno task token create --name NAME [--requests-per-minute N] [--queries-per-day N]
                         [--key-sets N] [--key-bytes N] [--kv PATH]
  deno task token revoke --name NAME [--kv PATH]
  deno task token list [--json] [--kv PATH]

--kv defaults to FCN_KV: use the same store as the server. Defaults: ${
  Object.entries(DEFAULT_QUOTA).map(([k, v]) => `${k} ${v}`).join(", ")
}.`;

const QUOTA_OPTIONS: [string, keyof Quota][] = [
  ["requests-per-minute", "requests_per_minute"],
  ["queries-per-day", "queries_per_day"],
  ["key-sets", "key_sets"],
  ["key-bytes", "key_bytes"],
];

function usageError(message: string): never {
  return usageExit(USAGE, message);
}

let parsed;
try {
  parsed = parseArgs({
    args: Deno.args,
    allowPositionals: true,
    strict: true,
    options: {
      name: { type: "string" },
      kv: { type: "string" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
      ...Object.fromEntries(QUOTA_OPTIONS.map(([o]) => [o, { type: "string" as const }])),
    },
  });
} catch (e) {
  usageError((e as Error).message);
}
const { values: a, positionals } = parsed;
if (a.help) {
  console.log(USAGE);
  Deno.exit(0);
}
const [command, ...rest] = positionals;
if (!["create", "revoke", "list"].includes(command ?? "") || rest.length) {
  usageError(
    `expected one command (create, revoke or list), received ${positionals.join(" ") || "none"}`,
  );
}
const kvPath = (a.kv as string | undefined) || Deno.env.get("FCN_KV");
if (!kvPath) {
  usageError("expected --kv PATH or FCN_KV naming the server's Deno KV, received neither");
}
const quota: Partial<Quota> = {};
for (const [option, field] of QUOTA_OPTIONS) {
  const v = (a as Record<string, unknown>)[option] as string | undefined;
  if (v === undefined) continue;
  if (command !== "create") usageError(`--${option}: only create takes a quota`);
  if (!/^\d{1,15}$/.test(v) || Number(v) < 1) {
    usageError(`--${option}: expected a positive integer, received ${JSON.stringify(v)}`);
  }
  quota[field] = Number(v);
}
if (command !== "list" && !a.name) usageError(`${command}: expected --name NAME`);

const kv = await Deno.openKv(kvPath).catch((e) => {
  console.error(`cannot open the Deno KV at ${kvPath}: ${(e as Error).message}`);
  Deno.exit(1);
});
try {
  const tokens = new TokenStore(kv);
  if (command === "create") {
    const { token, record } = await tokens.create(a.name as string, quota).catch((e) =>
      usageError((e as Error).message)
    );
    console.error(
      `token "${record.name}" created (${
        Object.entries(record.quota).map(([k, v]) => `${k} ${v}`).join(", ")
      }); it is shown once, below:`,
    );
    console.log(token);
  } else if (command === "revoke") {
    if (!await tokens.revoke(a.name as string)) {
      console.error(`no token named ${JSON.stringify(a.name)}`);
      Deno.exit(1);
    }
    console.error(`token "${a.name}" revoked`);
  } else {
    const quotas = new QuotaStore(kv);
    const rows = [];
    for (const t of await tokens.list()) {
      const use = await quotas.usage(t);
      rows.push({
        name: t.name,
        created: new Date(t.created).toISOString(),
        quota: t.quota,
        requests_this_minute: use.minute,
        queries_today: use.day,
        key_sets: use.keys.length,
        key_bytes: use.keys.reduce((s, k) => s + k.bytes, 0),
      });
    }
    if (a.json) console.log(JSON.stringify(rows));
    else {
      for (const r of rows) {
        console.log(
          `${r.name}\tcreated ${r.created}\tqueries today ${r.queries_today}/${r.quota.queries_per_day}\tkeys ${r.key_sets}/${r.quota.key_sets} (${r.key_bytes}/${r.quota.key_bytes} bytes)\trate ${r.quota.requests_per_minute}/min`,
        );
      }
      if (!rows.length) console.error("no tokens");
    }
  }
} finally {
  kv.close();
}
