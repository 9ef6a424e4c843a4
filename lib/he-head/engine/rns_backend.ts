/**
 * Fast exact integer inference for large batches: values are kept as residues modulo a few
 * primes below 2^26 (products stay below 2^52, exact in float64), in typed arrays, and recombined
 * by the Chinese remainder theorem at the end. Enough primes are taken for the interval bound of
 * the outputs, so the result equals the bigint reference exactly (tests check it).
 *
 * @module
 */
import { Crt } from "./crt.ts";
import type { Network } from "../../model/network.ts";
import { outputMagnitudeBound } from "./output_bound.ts";
import { isPrime } from "./primes.ts";
import type { Backend, PlainMulKind } from "./backend.ts";
import { evaluate } from "./evaluate.ts";
import { argmax } from "./plain.ts";

/** Residues of a batch: `k` blocks of `batch` values, block i modulo `moduli[i]`. */
export type RnsVec = Float64Array;

/** Primes just below 2^26, largest first. */
function rnsPrimes(count: number): number[] {
  const out: number[] = [];
  for (let p = 2 ** 26 - 1; out.length < count; p -= 2) if (isPrime(BigInt(p))) out.push(p);
  return out;
}

/** Residue arithmetic behind the engine's backend interface. */
export class RnsBackend implements Backend<RnsVec> {
  readonly name = "rns";
  /**
   * Creates a {@linkcode RnsBackend}.
   *
   * @param moduli the residue moduli (primes below 2^26)
   * @param batch queries per vector
   */
  constructor(readonly moduli: readonly number[], readonly batch: number) {}

  /** Runs `f` for each modulus and returns `out`. */
  private each(out: RnsVec, f: (i: number, p: number) => void): RnsVec {
    const n = this.batch;
    this.moduli.forEach((p, m) => {
      for (let i = m * n; i < (m + 1) * n; i++) f(i, p);
    });
    return out;
  }
  /** `w` reduced modulo each modulus. */
  private scalars(w: bigint): number[] {
    return this.moduli.map((p) => Number(((w % BigInt(p)) + BigInt(p)) % BigInt(p)));
  }
  /** `a` times the scalar `w`, residue by residue. */
  private mulScalar(a: RnsVec, w: bigint): RnsVec {
    const c = this.scalars(w), n = this.batch;
    const out = new Float64Array(a.length);
    this.moduli.forEach((p, m) => {
      const s = c[m];
      for (let i = m * n; i < (m + 1) * n; i++) out[i] = (a[i] * s) % p;
    });
    return out;
  }
  add(a: RnsVec, b: RnsVec): RnsVec {
    const out = new Float64Array(a.length);
    return this.each(out, (i, p) => (out[i] = (a[i] + b[i]) % p));
  }
  addInplace(acc: RnsVec, b: RnsVec): void {
    this.each(acc, (i, p) => (acc[i] = (acc[i] + b[i]) % p));
  }
  subInplace(acc: RnsVec, b: RnsVec): void {
    this.each(acc, (i, p) => (acc[i] = (acc[i] - b[i] + p) % p));
  }
  negateInplace(a: RnsVec): void {
    this.each(a, (i, p) => (a[i] = (p - a[i]) % p));
  }
  mulPow2(a: RnsVec, exp: number): RnsVec {
    return this.mulScalar(a, 1n << BigInt(exp));
  }
  mulInt(a: RnsVec, w: bigint): RnsVec {
    return this.mulScalar(a, w);
  }
  plainMulKind(_w: bigint): PlainMulKind {
    return "single";
  }
  addConstInplace(a: RnsVec, c: bigint): void {
    const s = this.scalars(c), n = this.batch;
    this.moduli.forEach((p, m) => {
      for (let i = m * n; i < (m + 1) * n; i++) a[i] = (a[i] + s[m]) % p;
    });
  }
  multiply(a: RnsVec, b: RnsVec): RnsVec {
    const out = new Float64Array(a.length);
    return this.each(out, (i, p) => (out[i] = (a[i] * b[i]) % p));
  }
  square(a: RnsVec): RnsVec {
    return this.multiply(a, a);
  }
  relinearizeInplace(_a: RnsVec): void {}
  size(_a: RnsVec): number {
    return 2;
  }
  clone(a: RnsVec): RnsVec {
    return a.slice();
  }
  free(_a: RnsVec): void {}
}

/**
 * Exact integer logits of `count` examples (row-major integer inputs), like `evaluatePlain` but
 * fast on large batches.
 */
export function evaluateFast(net: Network, inputs: ArrayLike<number>, count: number): bigint[][] {
  if (inputs.length !== count * net.inputSize) {
    throw new RangeError(`expected ${count} x ${net.inputSize} inputs, received ${inputs.length}`);
  }
  const bound = outputMagnitudeBound(net);
  let k = 1;
  let moduli = rnsPrimes(1);
  while (moduli.reduce((a, p) => a * BigInt(p), 1n) <= 2n * bound + 1n) moduli = rnsPrimes(++k);
  const backend = new RnsBackend(moduli, count);
  const columns = Array.from({ length: net.inputSize }, (_, f) => {
    const col = new Float64Array(k * count);
    moduli.forEach((p, m) => {
      for (let i = 0; i < count; i++) {
        const v = inputs[i * net.inputSize + f];
        if (!Number.isInteger(v) || v < net.inputMin || v > net.inputMax) {
          throw new RangeError(
            `expected integer inputs in [${net.inputMin}, ${net.inputMax}], received ${v}`,
          );
        }
        col[m * count + i] = ((v % p) + p) % p;
      }
    });
    return col;
  });
  const { outputs } = evaluate(net, backend, columns);
  const crt = new Crt(moduli.map(BigInt));
  return Array.from(
    { length: count },
    (_, i) =>
      outputs.map((
        o,
      ) => (o.ct === null
        ? o.constant
        : crt.combine(moduli.map((_, m) => BigInt(o.ct![m * count + i]))))
      ),
  );
}

/** Arg-max predictions of {@linkcode evaluateFast}. */
export function predictFast(net: Network, inputs: ArrayLike<number>, count: number): Int32Array {
  return Int32Array.from(evaluateFast(net, inputs, count), argmax);
}
