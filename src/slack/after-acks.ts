/**
 * Holds work that follows an ack (the duplicate checks, then the run) while more commands are still
 * arriving. Slack times the ack, not what comes after it; when many commands arrive together, the
 * first ones' store requests (built and signed by the AWS SDK, CPU-heavy) would otherwise run
 * between the later ones' acks and delay them. Work is released once no command has arrived for
 * `quietMs`, and never held longer than `maxWaitMs`, so a steady stream cannot starve it. Quiet is
 * judged after the loop has read its sockets, not when a timer says so.
 */
export class AfterAcks {
  private lastArrival = 0;
  private readonly waiting: Array<{ since: number; release: () => void }> = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: { quietMs: number; maxWaitMs: number }) {}

  /** A command arrived (call before acking it). */
  arrived(): void {
    this.lastArrival = Date.now();
  }

  /** Resolves when the current burst of commands has been acknowledged (or the longest wait passed). */
  wait(): Promise<void> {
    return new Promise((release) => {
      this.waiting.push({ since: Date.now(), release });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.timer || this.waiting.length === 0) return;
    const now = Date.now();
    const quietAt = this.lastArrival + this.opts.quietMs;
    const oldestDue = Math.min(...this.waiting.map((w) => w.since + this.opts.maxWaitMs));
    // The timer falls due at the start of a loop turn, before that turn reads the sockets; on a
    // loaded machine the process may have been held up for longer than the quiet period while more
    // commands waited unread. setImmediate runs after that reading, so their arrival counts first.
    this.timer = setTimeout(
      () =>
        setImmediate(() => {
          this.timer = undefined;
          this.release();
        }),
      Math.max(0, Math.min(quietAt, oldestDue) - now),
    );
  }

  private release(): void {
    const now = Date.now();
    const quiet = now - this.lastArrival >= this.opts.quietMs;
    // In arrival order: the oldest waiting work goes first.
    const due = this.waiting.filter((w) => quiet || now - w.since >= this.opts.maxWaitMs);
    for (const w of due) this.waiting.splice(this.waiting.indexOf(w), 1);
    for (const w of due) w.release();
    this.schedule();
  }
}
