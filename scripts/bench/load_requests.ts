/**
 * The load test's requests and checks: each client's session (its own keys, registered), a pool
 * of requests encrypted before the timed window with the integer head's logits for each, and the
 * counters every answer is checked into (exact plans bit for bit, approximate ones within the
 * plan's error bound; arg-max differences counted apart).
 *
 * @module
 */
import type { ClientSession, HeadClient, SavedSession } from "../../lib/client/mod.ts";
import type { Decrypted } from "../../lib/he-head/client.ts";
import { argmax, evaluatePlain, type Network } from "../../lib/he-head/mod.ts";

/** One client's pool of encrypted requests, and the secret keys they were made with. */
export interface RequestPool {
  /** The keys (secret keys; `key_id` null: registered again with each server). */
  saved: SavedSession;
  /** Request envelopes, sent in turn. */
  bodies: Uint8Array[];
  /** The integer head's logits for each request `[query][class]`. */
  want: bigint[][][];
}

/** One client's session on one server, with its pool. */
export interface Prepared extends RequestPool {
  session: ClientSession;
  /** The registered keys' id (null when the plan needs none). */
  keyId: string | null;
}

/** Random quantized features (a seeded LCG: the same load every run). */
function randomFeatures(net: Network, count: number, seed: number): number[] {
  const out: number[] = [];
  let s = seed;
  for (let i = 0; i < count * net.inputSize; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    out.push(net.inputMin + (s % (net.inputMax - net.inputMin + 1)));
  }
  return out;
}

/**
 * Opens a session (keys registered). With `pool`, around its secret keys (no key generation, no
 * encryption); otherwise with fresh keys, encrypting `size` requests of `per` queries.
 */
export async function prepareRequests(
  client: HeadClient,
  plan: string,
  o: { net: Network; per: number; size: number; seed: number; pool?: RequestPool },
): Promise<Prepared> {
  if (o.pool) {
    const session = await client.session(plan, o.pool.saved);
    return { ...o.pool, session, keyId: session.keyId };
  }
  const session = await client.session(plan);
  const bodies: Uint8Array[] = [], want: bigint[][][] = [];
  for (let i = 0; i < o.size; i++) {
    const x = randomFeatures(o.net, o.per, o.seed * 7919 + i);
    bodies.push(await session.half.encrypt(x, o.per));
    want.push(evaluatePlain(o.net, x, o.per));
  }
  const saved = { ...session.save(), key_id: null };
  return { saved, bodies, want, session, keyId: session.keyId };
}

/** Counts answers, errors and differences from the integer head. */
export class LoadCounters {
  /** Round-trip latencies (ms) of answered requests. */
  readonly latencies: number[] = [];
  /** The server's evaluation times (`x-server-ms`). */
  readonly serverMs: number[] = [];
  errors = 0;
  mismatches = 0;
  flips = 0;
  private reported = 0;

  /** @param bound the plan's error bound (model units), or null for exact plans */
  constructor(private readonly net: Network, private readonly bound: number | null) {}

  /** Records one answered request's timings. */
  latency(ms: number, serverMs: number): void {
    this.latencies.push(ms);
    if (Number.isFinite(serverMs)) this.serverMs.push(serverMs);
  }

  /** Checks one decrypted answer against the integer head's logits. */
  check(got: Decrypted, want: bigint[][]): void {
    const scale = 2 ** -this.net.outputScale;
    const text = (x: bigint[][]) => JSON.stringify(x.map((l) => l.map(String)));
    const off = got.logits
      ? text(got.logits) !== text(want)
      : got.scores.some((s, q) =>
        s.some((v, k) => !(Math.abs(v - Number(want[q][k]) * scale) <= (this.bound ?? 0)))
      );
    if (off) this.mismatches++;
    const predicted = got.logits
      ? got.logits.map(argmax)
      : got.scores.map((s) => s.indexOf(Math.max(...s)));
    this.flips += predicted.filter((p, q) => p !== argmax(want[q])).length;
  }

  /** Records a failed request (the first few are printed). */
  error(e: Error): void {
    this.errors++;
    if (this.reported++ < 5) console.error(`request failed: ${e.message}`);
  }
}
