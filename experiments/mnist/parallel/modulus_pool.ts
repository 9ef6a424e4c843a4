/**
 * A pool of workers (one per core by default) that run the plaintext moduli of a CRT plan in
 * parallel: each worker has its own SEAL instance, so a plan with k moduli takes about k / cores
 * of the sequential time. The results are recombined exactly (CRT) on the calling thread.
 *
 * @module
 */
import { decodeResidues } from "../../../lib/he-head/client.ts";
import type { EvaluateOptions, HeParams } from "../../../lib/he-head/mod.ts";
import type { QuantizedModel } from "../../../lib/model/mod.ts";
import type { ModulusResult, ModulusTask } from "./modulus_task.ts";

/** A whole plan's result. */
export interface PoolEvaluation {
  /** Exact integer logits `[query][output]`. */
  logits: bigint[][];
  /** Per modulus measurements. */
  moduli: ModulusResult[];
  /** Wall-clock milliseconds of the parallel run. */
  wallMs: number;
}

interface Pending {
  resolve: (r: ModulusResult) => void;
  reject: (e: Error) => void;
}

/** Workers that evaluate one plaintext modulus each. Close with `close()`. */
export class ModulusPool {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: { id: number; task: ModulusTask }[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;

  constructor(readonly size = navigator.hardwareConcurrency || 2) {
    for (let i = 0; i < size; i++) {
      const w = new Worker(new URL("./modulus_worker.ts", import.meta.url).href, {
        type: "module",
      });
      w.onmessage = (
        e: MessageEvent<{ id: number; ok: boolean; result?: ModulusResult; error?: string }>,
      ) => {
        const p = this.pending.get(e.data.id);
        this.pending.delete(e.data.id);
        if (e.data.ok) p?.resolve(e.data.result!);
        else p?.reject(new Error(e.data.error));
        this.idle.push(w);
        this.pump();
      };
      w.onerror = (e) => {
        e.preventDefault();
        for (const p of this.pending.values()) p.reject(new Error(`worker failed: ${e.message}`));
        this.pending.clear();
      };
      this.workers.push(w);
      this.idle.push(w);
    }
  }

  private pump(): void {
    while (this.idle.length && this.queue.length) {
      const w = this.idle.pop()!;
      w.postMessage(this.queue.shift()!);
    }
  }

  /** Runs one modulus task on the next free worker. */
  run(task: ModulusTask): Promise<ModulusResult> {
    const id = this.nextId++;
    const p = new Promise<ModulusResult>((resolve, reject) =>
      this.pending.set(id, { resolve, reject })
    );
    this.queue.push({ id, task });
    this.pump();
    return p;
  }

  /** Evaluates `model` under every modulus of `params` in parallel and recombines the logits. */
  async evaluate(
    model: QuantizedModel,
    params: HeParams,
    inputs: Int32Array,
    count: number,
    options: EvaluateOptions = {},
  ): Promise<PoolEvaluation> {
    const t0 = performance.now();
    const moduli = await Promise.all(
      params.plainModuli.map((t) =>
        this.run({ model, params: { ...params, plainModuli: [t] }, inputs, count, options })
      ),
    );
    const wallMs = performance.now() - t0;
    const logits = decodeResidues(
      params.encoding,
      params.plainModuli.map(BigInt),
      moduli.map((m) => m.residues),
      moduli[0].constants.map(BigInt),
      count,
    );
    return { logits, moduli, wallMs };
  }

  /** Terminates the workers. */
  close(): void {
    for (const w of this.workers) w.terminate();
    for (const p of this.pending.values()) p.reject(new Error("the pool was closed"));
    this.pending.clear();
  }

  /** Closes at scope exit with `using`. */
  [Symbol.dispose](): void {
    this.close();
  }
}
