/**
 * The server half the BFV plans share: evaluation of one request (unpack the encrypted inputs,
 * evaluate, yielding to the event loop and abortable by the request's deadline; mask the answers
 * the plan's way; flood their noise for flooded plans; shrink and pack the encrypted results).
 * Every SEAL object is freed on every path.
 *
 * @module
 */
import type { Ciphertext } from "node-seal/dist/seal_throws.d.ts";
import type { Network } from "../../../model/network.ts";
import { floodOutputs } from "../../schemes/bfv/server/circuit_privacy.ts";
import { HeContext } from "../../schemes/bfv/bfv_context.ts";
import { evaluateEncryptedAsync, freeResult } from "../../schemes/bfv/server/evaluate_encrypted.ts";
import type { EvaluationKeys } from "../../seal/server/evaluation_keys.ts";
import { switchDown } from "../../schemes/bfv/modulus_switch.ts";
import { sealCall } from "../../seal/runtime.ts";
import { SealPlanServer } from "./seal_plan_server.ts";
import { ciphertextBytes, packResults, unpackInputs } from "../../wire/payloads.ts";
import { MissingKeysError } from "../errors.ts";
import type { EvaluateOptions, PlanOutput, ServerHalf } from "../server.ts";
import type { BfvSpec } from "../bfv.ts";

/** Ciphertexts of scratch space SEAL's operations (multiply, relinearise, rotate) may hold. */
const SCRATCH_CIPHERTEXTS = 8;

/** How a BFV plan masks its answers: `outputs[modulus][output]`, `queries` of the request. */
export type BfvMask = (
  ctx: HeContext,
  outputs: (Ciphertext | null)[][],
  queries: number,
) => void;

/** A BFV plan's server half: its contexts, the head, and its masking. */
class BfvPlanServer extends SealPlanServer<BfvSpec, HeContext> {
  constructor(
    spec: BfvSpec,
    ctx: HeContext,
    private readonly net: Network,
    private readonly mask: BfvMask,
  ) {
    super(spec, ctx);
    if (ctx.moduli[0].encoder) this.batchRoundTrip = (values) => this.roundTrip(values);
  }

  /** A batch round trip when the first modulus has a batch encoder (health probe). */
  readonly batchRoundTrip?: (values: readonly bigint[]) => bigint[];

  get requestBytes(): number {
    return this.ctx.moduli.length * this.net.inputSize * ciphertextBytes(this.spec.params, 2);
  }

  /**
   * SEAL heap of one evaluation of `queries` queries: inputs, the widest layer of one plaintext
   * modulus at a time (moduli run one after another), results of every modulus, and scratch.
   */
  heapBytes(_queries: number): number {
    const net = this.net;
    const ct = ciphertextBytes(this.spec.params, 3);
    const k = this.ctx.moduli.length;
    const width = (s: number[]) => s.reduce((a, b) => a * b, 1);
    const widest = Math.max(net.inputSize, ...net.layers.map((l) => width(l.outShape)));
    return k * net.inputSize * ciphertextBytes(this.spec.params, 2) + 2 * widest * ct +
      k * net.outputSize * ct + SCRATCH_CIPHERTEXTS * ct;
  }

  async evaluate(
    body: Uint8Array,
    keys: EvaluationKeys | null,
    { signal, maxBytes }: EvaluateOptions,
  ): Promise<PlanOutput> {
    const { spec, ctx } = this;
    const { ciphertexts, queries } = await unpackInputs(ctx, body, {
      inputs: this.net.inputSize,
      maxQueries: spec.cost.maxQueries,
      maxBytes,
    });
    try {
      const t0 = performance.now();
      const result = await evaluateEncryptedAsync(ctx, this.net, ciphertexts, keys, { signal });
      try {
        const t1 = performance.now();
        if (spec.extra.masked) this.mask(ctx, result.ciphertexts, queries);
        const t2 = performance.now();
        const flooding = spec.extra.flooding;
        if (flooding) {
          if (!keys || keys.publicKeys.some((k) => k === null)) {
            throw new MissingKeysError(
              `plan ${spec.name} floods its answers: expected the client's public key (envelope entry "public-key") for every plaintext modulus, received none`,
            );
          }
          signal.throwIfAborted();
          floodOutputs(ctx, result.ciphertexts, keys.publicKeys, flooding.floodLog2);
        }
        const t3 = performance.now();
        switchDown(ctx, result.ciphertexts, spec.extra.responsePrimesDropped);
        const out = await packResults(ctx, result, queries);
        const stages = {
          evaluate_ms: t1 - t0,
          mask_ms: t2 - t1,
          flood_ms: t3 - t2,
          pack_ms: performance.now() - t3,
        };
        return { body: out, queries, stages };
      } finally {
        freeResult(result);
      }
    } finally {
      ciphertexts.flat().forEach((c) => c.delete());
    }
  }

  /** Batch-encodes and decodes `values` in the first modulus's context (health probe). */
  private roundTrip(values: readonly bigint[]): bigint[] {
    const encoder = this.ctx.moduli[0].encoder!;
    return sealCall("health probe", () => {
      const pt = new this.ctx.seal.Plaintext();
      try {
        encoder.encode(BigUint64Array.from(values), pt);
        return Array.from(encoder.decodeBigUint64(pt) as BigUint64Array).slice(0, values.length);
      } finally {
        pt.delete();
      }
    });
  }
}

/** The server half of a BFV plan that masks its answers with `mask`. */
export function bfvServerHalf(mask: BfvMask): ServerHalf<BfvSpec> {
  return {
    async prepare(spec: BfvSpec, net: Network) {
      const ctx = await HeContext.create(spec.params);
      return new BfvPlanServer(spec, ctx, net, mask);
    },
  };
}
