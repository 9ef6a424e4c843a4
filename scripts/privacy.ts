/**
 * `deno task privacy --noise-multiplier S --sample-rate Q (--steps T | --epochs E) --delta D
 *  [--conversion tight|classic] [--json]`
 *
 * The (epsilon, delta) guarantee of DP-SGD with Poisson sampling, from the project's RDP
 * accountant. A human line goes to stderr; with `--json` the last stdout line is
 * `{"epsilon": ..., "order": ...}` (plus the inputs).
 *
 * @module
 */
import { UsageError } from "../lib/dp-training/errors.ts";
import { parsePrivacyArgs, PRIVACY_USAGE } from "./cli/privacy_options.ts";
import { dpSgdEpsilon } from "../lib/dp-training/accounting/rdp_accountant.ts";

try {
  if (Deno.args.includes("--help")) {
    console.log(PRIVACY_USAGE);
    Deno.exit(0);
  }
  const o = parsePrivacyArgs(Deno.args);
  const { epsilon, order } = dpSgdEpsilon(o);
  console.error(
    `epsilon ${epsilon.toFixed(4)} at delta ${o.delta} (RDP order ${order}, ${o.conversion} ` +
      `conversion): noise multiplier ${o.noiseMultiplier}, sample rate ${o.sampleRate}, ${o.steps} steps`,
  );
  if (o.json) {
    console.log(JSON.stringify({
      epsilon,
      order,
      delta: o.delta,
      noise_multiplier: o.noiseMultiplier,
      sample_rate: o.sampleRate,
      steps: o.steps,
      conversion: o.conversion,
    }));
  }
} catch (e) {
  if (!(e instanceof UsageError || e instanceof RangeError)) throw e;
  console.error(`error: ${e.message}`);
  Deno.exit(2);
}
