/**
 * `deno task privacy --noise-multiplier S --sample-rate Q (--steps T | --epochs E) --delta D
 *  [--accountant pld|rdp] [--conversion tight|classic] [--json]`
 *
 * The (epsilon, delta) guarantee of DP-SGD with Poisson sampling, from the project's PLD
 * accountant (default; the RDP figure beside it) or its RDP accountant. A human line goes to
 * stderr; with `--json` the last stdout line is `{"epsilon": ..., "accountant": ...,
 * "rdp_epsilon": ..., "order": ...}` (plus the inputs).
 *
 * @module
 */
import { parsePrivacyArgs, PRIVACY_USAGE, privacyReport } from "./cli/privacy_options.ts";
import { runCli } from "./cli/usage.ts";

await runCli(PRIVACY_USAGE, (args) => {
  const o = parsePrivacyArgs(args);
  const { line, json } = privacyReport(o);
  console.error(line);
  if (o.json) console.log(JSON.stringify(json));
}, { isUsage: (e) => e instanceof RangeError });
