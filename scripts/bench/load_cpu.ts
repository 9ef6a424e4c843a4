/**
 * CPU time a process has used (all its threads: every `deno serve --parallel` worker), from
 * Linux's `/proc/<pid>/stat`: what lets the load test tell a server that cannot scale from a
 * machine that gave it no more CPU (on a shared machine the wall-clock ratio alone cannot).
 *
 * @module
 */

/** Clock ticks per second of `/proc` times (`getconf CLK_TCK`; 100 on every Linux Deno runs on). */
const TICKS_PER_S = 100;

/** User + system CPU seconds of process `pid`, or null where `/proc` is not available. */
export async function processCpuSeconds(pid: number): Promise<number | null> {
  try {
    const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
    // Fields after the command name (which may hold spaces) in parentheses.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime and stime are fields 14 and 15 of the whole line: 12 and 13 after the name.
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_S;
  } catch {
    return null;
  }
}
