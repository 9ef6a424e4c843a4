/**
 * What the BFV slot plans' client halves (`bfv_packed`, `bfv_wide`) share: one seeded ciphertext
 * per query holding the query's slot vector, and one ciphertext per query in the answer, read back
 * exactly as integer logits (with the noise budget left on request). Each plan says how a query
 * becomes slots and how an answer's slots become logits.
 *
 * @module
 */
import type { Ciphertext } from "node-seal/dist/seal_throws.d.ts";
import {
  decryptSlots,
  encryptSlotsSerialized,
  type SlotClientContext,
} from "../../schemes/bfv/client/slot_client.ts";
import { freeResult } from "../../seal/outputs.ts";
import { sealCall } from "../../seal/runtime.ts";
import { packInputs, unpackResults } from "../../wire/payloads.ts";
import type { Decrypted, DecryptOptions } from "../client.ts";
import type { PlanSpec } from "../plan.ts";
import { SealPlanClient } from "./seal_plan_client.ts";

/** A BFV slot plan's client half; each plan adds its slot arrangement and its reading. */
export abstract class BfvSlotPlanClient<
  S extends PlanSpec,
  C extends SlotClientContext & { readonly t: bigint; delete(): void },
> extends SealPlanClient<S, C> {
  /** One query's slot vector (values in `[0, t)`). */
  protected abstract slotsOf(x: number[]): BigInt64Array;
  /** How many leading slots of an answer hold the logits' shares. */
  protected abstract get answerSlots(): number;
  /** One query's integer logits from its answer's first {@linkcode answerSlots} slots. */
  protected abstract readLogits(slots: bigint[]): bigint[];

  /** Encrypts each query's slot vector (seeded) into a request envelope. */
  encrypt(features: ArrayLike<number>, queries: number): Promise<Uint8Array<ArrayBuffer>> {
    const width = this.spec.shape.inputs;
    if (features.length !== queries * width) {
      throw new RangeError(
        `expected ${queries} x ${width} features, received ${features.length} values`,
      );
    }
    const cts = [];
    for (let q = 0; q < queries; q++) {
      const x = Array.prototype.slice.call(features, q * width, (q + 1) * width) as number[];
      cts.push(encryptSlotsSerialized(this.keys, this.slotsOf(x)));
    }
    return packInputs(this.ctx.params, [cts], queries);
  }

  /** Decrypts each query's answer into exact logits (and the smallest noise budget on request). */
  async decrypt(
    response: Uint8Array,
    queries: number,
    options: DecryptOptions = {},
  ): Promise<Decrypted> {
    const outputs = await unpackResults(this.ctx, response, { outputs: queries });
    try {
      const cts = outputs.ciphertexts[0].map((ct, q) => {
        if (!ct) {
          throw new RangeError(`expected an encrypted answer for query ${q}, received a constant`);
        }
        return ct;
      });
      const count = this.answerSlots;
      const logits = cts.map((ct) => this.readLogits(decryptSlots(this.keys, ct, count)));
      const scale = 2 ** -this.spec.shape.outputScaleLog2;
      return {
        exact: true,
        logits,
        scores: logits.map((l) => l.map((v) => Number(v) * scale)),
        ...(options.noiseBudget ? { noiseBudgetBits: this.#budget(cts) } : {}),
      };
    } finally {
      freeResult(outputs);
    }
  }

  /** The smallest invariant noise budget (bits) among the answers. */
  #budget(cts: readonly Ciphertext[]): number {
    return Math.min(
      ...cts.map((ct) =>
        sealCall("noise budget", () => this.keys.decryptor(0).invariantNoiseBudget(ct))
      ),
    );
  }
}
