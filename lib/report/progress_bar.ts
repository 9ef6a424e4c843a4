/**
 * A progress bar on stderr for long runs: redrawn in place on a terminal, and printed as a line
 * every 10% otherwise (so logs stay short).
 *
 * @module
 */

/** A progress bar over a known number of units of work. */
export class ProgressBar {
  private readonly tty: boolean;
  private lastDecile = -1;
  private lastDraw = 0;
  private readonly start = performance.now();
  private readonly encoder = new TextEncoder();

  /**
   * @param total units of work (may be raised later, when it becomes known)
   * @param label printed before the bar
   * @param enabled false to print nothing (e.g. in tests)
   */
  /**
   * Starts a bar.
   *
   * @param total units of work (may be raised later, when it becomes known)
   * @param label printed before the bar
   * @param enabled false to print nothing (e.g. in tests)
   */
  constructor(public total: number, readonly label: string, readonly enabled = true) {
    this.tty = enabled && Deno.stderr.isTerminal();
  }

  /** Reports `done` units finished, with a short status text. */
  update(done: number, status = ""): void {
    if (!this.enabled) return;
    const frac = this.total > 0 ? Math.min(1, done / this.total) : 1;
    const secs = (performance.now() - this.start) / 1000;
    const width = 30, fill = Math.round(frac * width);
    const line = `${this.label} [${"#".repeat(fill)}${".".repeat(width - fill)}] ${
      (frac * 100).toFixed(0).padStart(3)
    }% ${done}/${this.total} ${secs.toFixed(1)}s ${status}`;
    if (this.tty) {
      const now = performance.now();
      if (now - this.lastDraw < 100 && done < this.total) return;
      this.lastDraw = now;
      Deno.stderr.writeSync(this.encoder.encode(`\r\x1b[2K${line}`));
    } else {
      const decile = Math.floor(frac * 10);
      if (decile === this.lastDecile) return;
      this.lastDecile = decile;
      Deno.stderr.writeSync(this.encoder.encode(`${line}\n`));
    }
  }

  /** Ends the bar (moves to a new line on a terminal). */
  done(): void {
    if (this.tty) Deno.stderr.writeSync(this.encoder.encode("\n"));
  }
}
