/**
 * The command-line contract every `deno task` that takes arguments follows:
 *
 * - `--help` (or `-h`) prints the usage on stdout and exits with code 0;
 * - an unknown option, a missing or bad value prints `error: <what was expected, what was
 *   received>` and the usage on stderr and exits with code 2, never a stack trace.
 *
 * Three ways to use it: {@linkcode parseCli} for a script whose options are a `node:util`
 * `parseArgs` table (it handles `--help` and parse errors itself), {@linkcode parseWith} around a
 * parser function in top-level code, and {@linkcode runCli} around a `main` that throws
 * {@linkcode UsageError} for bad values. {@linkcode usageExit} is the exit itself.
 *
 * @example
 * ```ts
 * import { parseCli, usageExit } from "./usage.ts";
 * const USAGE = "usage: deno task demo [--count N]";
 * const { values } = parseCli(USAGE, { options: { count: { type: "string", default: "1" } } });
 * const count = Number(values.count);
 * if (!(count >= 1)) usageExit(USAGE, `--count: expected a number >= 1, received ${values.count}`);
 * ```
 *
 * @module
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "../../lib/check/mod.ts";

export { UsageError };

/** True when the arguments ask for help (`--help` or `-h`). */
function wantsHelp(args: readonly string[]): boolean {
  return args.includes("--help") || args.includes("-h");
}

/** Prints `error: <message>` and the usage on stderr, then exits with code 2. */
export function usageExit(usage: string, message: string): never {
  console.error(`error: ${message}`);
  if (!message.includes(usage)) console.error(usage);
  Deno.exit(2);
}

/**
 * `parseArgs` of `node:util` with the contract: `--help` prints `usage` and exits 0; an
 * unknown option or a malformed value prints the error and `usage` and exits 2. `strict` is
 * forced on, so positionals are refused unless `config.allowPositionals`.
 *
 * @param config the `parseArgs` configuration (`options`, `allowPositionals`); `args` defaults
 * to `Deno.args`
 */
export function parseCli<T extends ParseArgsConfig>(
  usage: string,
  config: T,
): ReturnType<typeof parseArgs<T>> {
  const args = config.args ?? Deno.args;
  if (wantsHelp(args)) {
    console.log(usage);
    Deno.exit(0);
  }
  try {
    return parseArgs({ ...config, args, strict: true } as T);
  } catch (e) {
    return usageExit(usage, (e as Error).message);
  }
}

/**
 * Parses with `node:util` `parseArgs` (strict), turning its errors (unknown option, missing
 * value) into {@linkcode UsageError}; for parsers that library code or tests call directly.
 *
 * @throws {UsageError} naming the unknown option or the option without a value.
 */
export function parseOrThrow<T extends ParseArgsConfig>(
  config: T,
): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs({ ...config, strict: true } as T);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/**
 * Runs a parser of the arguments under the contract, for top-level script code: `--help`
 * prints `usage` and exits 0; a {@linkcode UsageError} or `RangeError` from `parse` prints the
 * message and the usage and exits 2. Returns what `parse` returns.
 */
export function parseWith<T>(
  usage: string,
  parse: (args: string[]) => T,
  args: string[] = Deno.args,
): T {
  if (wantsHelp(args)) {
    console.log(usage);
    Deno.exit(0);
  }
  try {
    return parse([...args]);
  } catch (e) {
    if (e instanceof UsageError || e instanceof RangeError) usageExit(usage, e.message);
    throw e;
  }
}

/**
 * Runs `main` under the contract: `--help` prints `usage` and exits 0 without calling `main`; a
 * {@linkcode UsageError} (or an error `isUsage` accepts) prints the message and the usage and
 * exits 2; `main`'s number is the exit code (default 0). Other errors propagate.
 */
export async function runCli(
  usage: string,
  main: (args: string[]) => Promise<number | void> | number | void,
  options: { args?: string[]; isUsage?: (e: unknown) => boolean } = {},
): Promise<never> {
  const args = options.args ?? Deno.args;
  if (wantsHelp(args)) {
    console.log(usage);
    Deno.exit(0);
  }
  let code: number | void;
  try {
    code = await main(args);
  } catch (e) {
    if (e instanceof UsageError || options.isUsage?.(e)) usageExit(usage, (e as Error).message);
    throw e;
  }
  Deno.exit(code ?? 0);
}

/**
 * Joins `--name -3` into `--name=-3` so a negative number reaches the range checks (and their
 * clear messages) instead of being read as an unknown option.
 */
export function joinNegativeValues(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i], next = args[i + 1];
    if (
      a.startsWith("--") && !a.includes("=") && next !== undefined && /^-(\d|\.\d|inf)/i.test(next)
    ) {
      out.push(`${a}=${next}`);
      i++;
    } else {
      out.push(a);
    }
  }
  return out;
}
