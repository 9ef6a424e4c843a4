/**
 * Loads Microsoft SEAL (node-seal's WebAssembly build) once per isolate, exposes the size of its
 * WebAssembly heap (SEAL memory is not garbage collected, so tests watch it), and turns C++
 * exceptions into {@linkcode SealError}s.
 *
 * This is the only module that imports node-seal's code (others import its types only), so a
 * process has one SEAL instance: the server disables its secret-key classes once, here.
 *
 * Out of memory: after SEAL throws `std::bad_alloc` its heap may be unusable (the next call can
 * hang). The first one marks the runtime as failed, runs the handler installed with
 * {@linkcode onSealOutOfMemory} (the server logs and exits), and every later
 * {@linkcode sealCall} throws at once instead of entering SEAL.
 *
 * @module
 */
import SEAL from "node-seal";
import type { MainModule } from "node-seal/dist/seal_throws.d.ts";

/** The node-seal module (SEAL's classes). */
export type Seal = MainModule;

/** A loaded SEAL runtime. */
export interface SealRuntime {
  /** The SEAL module. */
  seal: Seal;
  /** Current size of SEAL's WebAssembly memory in bytes (0 when it cannot be observed). */
  heapBytes(): number;
}

/** An exception thrown inside SEAL (invalid argument, logic error, out of memory...). */
export class SealError extends Error {
  /** The C++ exception type, e.g. `std::invalid_argument`. */
  readonly sealType: string;
  /** What was being done (the caller's words, without SEAL's text). */
  readonly what: string;
  /**
   * Creates a {@linkcode SealError}.
   *
   * @param what what was being done
   * @param sealType SEAL's exception type
   * @param message SEAL's own text
   */
  constructor(what: string, sealType: string, message: string) {
    super(`${what}: ${sealType}: ${message}`);
    this.name = "SealError";
    this.sealType = sealType;
    this.what = what;
  }

  /** Whether SEAL ran out of memory (`std::bad_alloc`). */
  get outOfMemory(): boolean {
    return this.sealType === "std::bad_alloc";
  }
}

/** The largest heap node-seal's WebAssembly memory can grow to (one page short of 4 GiB). */
export const SEAL_HEAP_MAX_BYTES = 4 * 1024 ** 3 - 65536;

let outOfMemory: SealError | null = null;
let oomHandler: ((e: SealError) => void) | null = null;

/**
 * Installs what happens when SEAL first runs out of memory (the server: log, then exit non-zero
 * so that the runtime restarts it). The handler runs before the error is thrown.
 */
export function onSealOutOfMemory(handler: ((e: SealError) => void) | null): void {
  oomHandler = handler;
}

/** The out-of-memory error SEAL threw in this process, if any (the runtime is then unusable). */
export function sealOutOfMemory(): SealError | null {
  return outOfMemory;
}

let loading: Promise<SealRuntime> | undefined;
let runtime: SealRuntime | undefined;

/**
 * Loads SEAL once; later calls share the instance.
 *
 * @example
 * ```ts
 * import { loadSeal } from "./runtime.ts";
 * const { seal, heapBytes } = await loadSeal();
 * console.log(seal.CoeffModulus.MaxBitCount(4096, seal.SecLevelType.tc128), heapBytes());
 * ```
 */
export function loadSeal(): Promise<SealRuntime> {
  loading ??= (async () => {
    // Emscripten keeps the memory private: observe the instance it creates to read heap size.
    let memory: WebAssembly.Memory | undefined;
    const capture = (instance: WebAssembly.Instance) => {
      for (const v of Object.values(instance.exports)) {
        if (v instanceof WebAssembly.Memory) memory = v;
      }
    };
    const wa = WebAssembly as unknown as Record<string, unknown>;
    const original = {
      instantiate: WebAssembly.instantiate,
      streaming: WebAssembly.instantiateStreaming,
    };
    wa.instantiate = async (...args: Parameters<typeof WebAssembly.instantiate>) => {
      // deno-lint-ignore no-explicit-any
      const r: any = await (original.instantiate as any)(...args);
      capture(r instanceof WebAssembly.Instance ? r : r.instance);
      return r;
    };
    if (original.streaming) {
      wa.instantiateStreaming = async (
        ...args: Parameters<typeof WebAssembly.instantiateStreaming>
      ) => {
        const r = await original.streaming(...args);
        capture(r.instance);
        return r;
      };
    }
    try {
      const seal = await SEAL();
      runtime = { seal, heapBytes: () => memory?.buffer.byteLength ?? 0 };
      return runtime;
    } finally {
      wa.instantiate = original.instantiate;
      wa.instantiateStreaming = original.streaming;
    }
  })();
  return loading;
}

/** The loaded runtime; throws if {@linkcode loadSeal} has not completed. */
export function sealRuntime(): SealRuntime {
  if (!runtime) throw new Error("SEAL is not loaded: await loadSeal() first");
  return runtime;
}

/**
 * Runs `fn`, converting a SEAL C++ exception into a {@linkcode SealError} that names `what`
 * (the exception object is released so it does not leak).
 */
export function sealCall<T>(what: string, fn: () => T): T {
  if (outOfMemory) {
    throw new SealError(
      what,
      outOfMemory.sealType,
      "SEAL ran out of memory earlier in this process",
    );
  }
  try {
    return fn();
  } catch (e) {
    throw toSealError(e, what) ?? e;
  }
}

/**
 * The {@linkcode SealError} for a C++ exception thrown by SEAL anywhere (also outside
 * {@linkcode sealCall}), or null for any other value. An out-of-memory error marks the runtime
 * as failed and runs the handler of {@linkcode onSealOutOfMemory}.
 */
export function toSealError(e: unknown, what: string): SealError | null {
  if (e instanceof SealError) return e;
  const WasmException = (WebAssembly as unknown as { Exception?: new () => object }).Exception;
  if (!runtime || !WasmException || !(e instanceof WasmException)) return null;
  let type = "exception", message = "unknown SEAL error";
  try {
    [type, message] = runtime.seal.getExceptionMessage(e as never) as unknown as [
      string,
      string,
    ];
  } finally {
    // deno-lint-ignore no-explicit-any
    (runtime.seal as any).decrementExceptionRefcount?.(e);
  }
  const err = new SealError(what, type, message);
  if (err.outOfMemory && !outOfMemory) {
    outOfMemory = err;
    oomHandler?.(err);
  }
  return err;
}
