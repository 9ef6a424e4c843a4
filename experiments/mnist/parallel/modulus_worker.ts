/**
 * Worker entry: runs {@linkcode runModulusTask} for each message and posts the result back.
 *
 * @module
 */
import { type ModulusTask, runModulusTask } from "./modulus_task.ts";

const scope = self as unknown as {
  onmessage: ((e: MessageEvent) => void) | null;
  postMessage(message: unknown, transfer?: Transferable[]): void;
};

scope.onmessage = async (e: MessageEvent<{ id: number; task: ModulusTask }>) => {
  const { id, task } = e.data;
  try {
    const result = await runModulusTask(task);
    const transfer = result.residues.flatMap((r) => (r ? [r.buffer as ArrayBuffer] : []));
    scope.postMessage({ id, ok: true, result }, transfer);
  } catch (err) {
    scope.postMessage({
      id,
      ok: false,
      error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
    });
  }
};
