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
import { dpSgdEpsilon } from "../lib/dp-training/mod.ts";
import { parsePrivacyArgs, PRIVACY_USAGE } from "./cli/privacy_options.ts";
import { runCli } from "./cli/usage.ts";

await runCli(PRIVACY_USAGE, (args) => {
  const o = parsePrivacyArgs(args);
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
}, { isUsage: (e) => e instanceof RangeError });
