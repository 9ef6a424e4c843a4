/**
 * The health probe: a tiny SEAL round trip (batch-encode eight values into a plaintext of the
 * first BFV plan, decode them back) timed against a deadline. It allocates in SEAL's heap and
 * runs an NTT, so a SEAL that is out of memory, broken or starved fails it.
 *
 * A SEAL call cannot be interrupted from JavaScript: a call that never returned would hold the
 * process, and the caller's own timeout on `/healthz` is then the signal. The known way into
 * that state (a `std::bad_alloc`) ends the process instead (see `main.ts`).
 *
 * @module
 */
import { sealOutOfMemory } from "../he-head/mod.ts";
import type { PlanServer } from "../he-head/server.ts";

/** Result of one probe. */
export interface ProbeResult {
  ok: boolean;
  /** Time the SEAL round trip took (ms). */
  ms: number;
  /** Why it failed. */
  error?: string;
}

const VALUES = [1n, 2n, 3n, 5n, 8n, 13n, 21n, 34n];

/** Runs the probe on the first plan with a batch encoder. */
export function sealProbe(plans: readonly PlanServer[], deadlineMs: number): ProbeResult {
  const t0 = performance.now();
  const oom = sealOutOfMemory();
  if (oom) return { ok: false, ms: 0, error: "SEAL ran out of memory in this process" };
  const roundTrip = plans.find((p) => p.batchRoundTrip)?.batchRoundTrip;
  if (!roundTrip) return { ok: false, ms: 0, error: "no BFV plan to probe" };
  let decoded: bigint[];
  try {
    decoded = roundTrip(VALUES);
  } catch (e) {
    return { ok: false, ms: performance.now() - t0, error: (e as Error).message };
  }
  const ms = performance.now() - t0;
  if (decoded.some((v, i) => v !== VALUES[i])) {
    return { ok: false, ms, error: "SEAL's batch round trip returned other values" };
  }
  if (ms > deadlineMs) {
    return {
      ok: false,
      ms,
      error: `SEAL answered in ${ms.toFixed(1)} ms, over the ${deadlineMs} ms deadline`,
    };
  }
  return { ok: true, ms };
}
