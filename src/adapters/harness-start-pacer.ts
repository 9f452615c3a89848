/**
 * Spaces InvokeHarness starts to the rate the harness admits, so a burst of runs queues here instead
 * of being throttled. Throttled starts are retried only a few times (a turn is not idempotent, so
 * only the refusal before the stream is retried), and a burst of hundreds of runs outlasts those
 * retries: in the 1,000-run benchmark 558 runs never reached the agent. One pacer per harness and
 * process, shared by every bot instance in it; retries still cover other replicas sharing the rate.
 *
 * Runs wait in a queue and take a start when one is free, so a run that is stopped while it waits
 * gives its turn to the runs behind it (a reserved future slot would have stayed unused).
 */

/** Slack between a start's send and its arrival at the harness (the same loop, a loaded machine). */
const ARRIVAL_MARGIN_MS = 100;

interface Waiter {
  enqueuedAt: number;
  /** Runs ahead of this one when last told (so it is told only when that changes). */
  told: number;
  onAhead?: (ahead: number) => void;
  done: () => void;
}

export class StartPacer {
  /** When the latest starts were sent, oldest first (at most `perSecond` are needed). */
  private readonly sent: number[] = [];
  private readonly queue: Waiter[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private perSecond: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Starts a second this pacer allows. */
  get rate(): number {
    return this.perSecond;
  }

  /** Lowers the rate, never raises it: bot instances that disagree on one harness share the stricter. */
  tighten(perSecond: number): void {
    if (perSecond >= this.perSecond) return;
    this.perSecond = perSecond;
    this.pump();
  }

  /**
   * Waits for a start: at most `perSecond` in any second, bursts included, plus a margin (the harness
   * counts a start when it arrives, which can be later than when it was sent). Resolves with how long
   * it waited, also when `signal` aborts the wait: then no start is taken and the runs behind move up.
   * `onAhead` hears how many runs are ahead of this one while it waits, each time that changes.
   */
  wait(signal?: AbortSignal, onAhead?: (ahead: number) => void): Promise<number> {
    const enqueuedAt = this.now();
    if (signal?.aborted) return Promise.resolve(0);
    if (this.queue.length === 0 && this.nextFree(enqueuedAt) <= enqueuedAt) {
      this.take(enqueuedAt);
      return Promise.resolve(0);
    }
    return new Promise((resolve) => {
      const waiter: Waiter = {
        enqueuedAt,
        told: this.queue.length,
        onAhead,
        done: () => {
          signal?.removeEventListener('abort', abandon);
          resolve(this.now() - enqueuedAt);
        },
      };
      const abandon = () => {
        const at = this.queue.indexOf(waiter);
        if (at < 0) return;
        this.queue.splice(at, 1);
        waiter.done();
        this.tellPositions(at);
      };
      signal?.addEventListener('abort', abandon, { once: true });
      this.queue.push(waiter);
      onAhead?.(waiter.told);
      this.schedule();
    });
  }

  /** Runs waiting for a start. */
  get waiting(): number {
    return this.queue.length;
  }

  private nextFree(t: number): number {
    if (this.sent.length < this.perSecond) return t;
    return Math.max(t, this.sent[this.sent.length - this.perSecond]! + 1000 + ARRIVAL_MARGIN_MS);
  }

  private take(t: number): void {
    this.sent.push(t);
    while (this.sent.length > this.perSecond) this.sent.shift();
  }

  /** Hands out every start that is free now, then sleeps until the next one is. */
  private pump(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    let granted = 0;
    for (;;) {
      const head = this.queue[0];
      if (!head) break;
      const t = this.now();
      if (this.nextFree(t) > t) break;
      this.queue.shift();
      this.take(t);
      head.done();
      granted++;
    }
    // Told once per batch of starts, not once per start: each change may become a Slack edit.
    if (granted > 0) this.tellPositions(0);
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.queue.length === 0) return;
    const t = this.now();
    this.timer = setTimeout(() => this.pump(), Math.max(0, this.nextFree(t) - t));
  }

  private tellPositions(from: number): void {
    for (let i = from; i < this.queue.length; i++) {
      const w = this.queue[i]!;
      if (w.told === i) continue;
      w.told = i;
      w.onAhead?.(i);
    }
  }
}

/**
 * Waits for a start from `pacer`, yielding how many runs are ahead once the wait has lasted
 * `showAfterMs` (a short wait shows nothing, so the thread does not flicker) and then each time that
 * changes; returns how long it waited. The harness adapter turns the yields into `queued` events.
 */
export async function* waitInQueue(
  pacer: StartPacer,
  signal: AbortSignal,
  showAfterMs: number,
): AsyncGenerator<number, number> {
  let ahead: number | undefined;
  let changed = false;
  let visible = false;
  let waited: number | undefined;
  let wake: (() => void) | undefined;
  const bump = () => {
    changed = true;
    wake?.();
  };
  void pacer
    .wait(signal, (n) => {
      ahead = n;
      bump();
    })
    .then((ms) => {
      waited = ms;
      wake?.();
    });
  const timer = setTimeout(() => {
    visible = true;
    bump();
  }, showAfterMs);
  try {
    for (;;) {
      if (waited !== undefined) return waited;
      if (visible && changed && ahead !== undefined) {
        changed = false;
        yield ahead;
        continue;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = undefined;
    }
  } finally {
    clearTimeout(timer);
  }
}

const pacers = new Map<string, StartPacer>();

/**
 * The process's pacer for one harness, keyed by its ARN alone. AWS's quota page gives "25 per
 * endpoint" and other guides "per agent, per account and Region"; the harness-wide count is the
 * stricter of the two for a bot that uses one harness, and is what the harness emulator enforces.
 * When bot instances in one process configure different rates for it, the stricter holds for all.
 */
export function pacerFor(harnessArn: string, perSecond: number): StartPacer {
  const known = pacers.get(harnessArn);
  if (known) {
    known.tighten(perSecond);
    return known;
  }
  const p = new StartPacer(perSecond);
  pacers.set(harnessArn, p);
  return p;
}
