/**
 * One plaintext modulus of a CRT plan, run end to end in isolation (a worker): key generation,
 * encryption of the inputs as a client would send them (seeded serialization, then loaded as a
 * server would), evaluation, response shrinking, decryption to residues. Used by the MNIST
 * reproduction to run the moduli of a plan in parallel; the product's server never holds keys.
 *
 * @module
 */
import {
  ClientKeys,
  decryptToResidues,
  encryptInputsSerialized,
  outputNoiseBudgets,
} from "../../../lib/he-head/client.ts";
import {
  estimateNoise,
  type EvaluateOptions,
  HeContext,
  type HeParams,
  type LayerHops,
  loadSeal,
  responsePrimesToDrop,
  sealCall,
  switchDown,
} from "../../../lib/he-head/mod.ts";
import { compileModel, type QuantizedModel } from "../../../lib/model/mod.ts";
import { evaluateEncrypted, EvaluationKeys, freeResult } from "../../../lib/he-head/server.ts";

/** A task: one modulus of `params` on `count` queries of integer inputs. */
export interface ModulusTask {
  model: QuantizedModel;
  /** A parameter set with exactly one plaintext modulus. */
  params: HeParams;
  inputs: Int32Array;
  count: number;
  options?: EvaluateOptions;
}

/** What a modulus task measured and produced. */
export interface ModulusResult {
  /** Decrypted residues per output (slot values or coefficients), null for constant outputs. */
  residues: (BigUint64Array | null)[];
  constants: string[];
  hops: LayerHops[];
  keygenMs: number;
  encryptMs: number;
  /** Server-side evaluation time (ms). */
  evalMs: number;
  decryptMs: number;
  /** Smallest noise budget left at the outputs (bits), before shrinking. */
  noiseBits: number;
  /** The noise model's estimate of that budget (bits). */
  estimatedNoiseBits: number;
  /** Serialized (seeded) input ciphertexts, and serialized outputs after shrinking (bytes). */
  inputBytes: number;
  outputBytes: number;
  inputCiphertexts: number;
  heapBytes: number;
}

/** Runs a modulus task in the current isolate. */
export async function runModulusTask(task: ModulusTask): Promise<ModulusResult> {
  if (task.params.plainModuli.length !== 1) {
    throw new RangeError(
      `expected one plaintext modulus per task, received ${task.params.plainModuli.length}`,
    );
  }
  const { heapBytes } = await loadSeal();
  const net = compileModel(task.model);
  using ctx = await HeContext.create(task.params);
  let t = performance.now();
  using keys = ClientKeys.generate(ctx);
  using evalKeys = EvaluationKeys.load(ctx, keys.evaluationKeys);
  const keygenMs = performance.now() - t;
  t = performance.now();
  const wire = encryptInputsSerialized(keys, task.inputs, task.count, net.inputSize)[0];
  const inputs = wire.map((bytes) => {
    const ct = new ctx.seal.Ciphertext();
    sealCall("load input", () => ct.loadFromArray(ctx.moduli[0].context, bytes));
    return ct;
  });
  const encryptMs = performance.now() - t;
  try {
    t = performance.now();
    // The evaluation frees the inputs as it goes (peak memory), also when it fails.
    const result = evaluateEncrypted(ctx, net, [inputs], evalKeys, {
      ...task.options,
      consumeInputs: true,
    });
    const evalMs = performance.now() - t;
    try {
      const noiseBits = Math.min(...outputNoiseBudgets(keys, result));
      const logT = ctx.moduli[0].t.toString(2).length;
      const estimated =
        estimateNoise(net, ctx.params.encoding, ctx.degree, logT, { evaluate: task.options })
          .outputBits;
      switchDown(ctx, result.ciphertexts, responsePrimesToDrop(ctx.params, estimated));
      let outputBytes = 0;
      for (const ct of result.ciphertexts[0]) {
        if (ct) outputBytes += ct.saveToArray(ctx.seal.ComprModeType.none).length;
      }
      t = performance.now();
      const residues = decryptToResidues(keys, result, 0);
      const decryptMs = performance.now() - t;
      return {
        residues,
        constants: result.constants.map(String),
        hops: result.hops,
        keygenMs,
        encryptMs,
        evalMs,
        decryptMs,
        noiseBits,
        estimatedNoiseBits: estimated,
        inputBytes: wire.reduce((a, b) => a + b.length, 0),
        outputBytes,
        inputCiphertexts: wire.length,
        heapBytes: heapBytes(),
      };
    } finally {
      freeResult(result);
    }
  } finally {
    // Freed by the evaluation unless it refused them before starting.
    for (const c of inputs) if (!c.isDeleted()) c.delete();
  }
}
