/**
 * Spaces InvokeHarness starts to the rate the harness admits, so a burst of runs queues here instead
 * of being throttled. Throttled starts are retried only a few times (a turn is not idempotent, so
 * only the refusal before the stream is retried), and a burst of hundreds of runs outlasts those
 * retries: in the 1,000-run benchmark 558 runs never reached the agent. One pacer per harness and
 * process, shared by every bot instance in it; retries still cover other replicas sharing the rate.
 */
export class StartPacer {
  /** The last `perSecond` slots handed out, oldest first. */
  private readonly slots: number[] = [];

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Reserves the next start slot; resolves with how long it waited (0 when a slot was free). At most
   * `perSecond` starts in any second, bursts included, plus a margin: the harness counts a start when
   * it arrives, which can be later than when it was sent.
   */
  async wait(signal?: AbortSignal): Promise<number> {
    const t = this.now();
    const full = this.slots.length >= this.perSecond;
    const slot = full ? Math.max(t, this.slots[0]! + 1000 + ARRIVAL_MARGIN_MS) : t;
    if (full) this.slots.shift();
    this.slots.push(slot);
    const ms = slot - t;
    if (ms > 0) await sleepUnlessAborted(ms, signal);
    return ms;
  }
}

/** Slack between a start's send and its arrival at the harness (the same loop, a loaded machine). */
const ARRIVAL_MARGIN_MS = 100;

const pacers = new Map<string, StartPacer>();

/** The process's pacer for one harness (its ARN and endpoint qualifier). */
export function pacerFor(harness: string, perSecond: number): StartPacer {
  const key = `${harness}@${perSecond}`;
  const known = pacers.get(key);
  if (known) return known;
  const p = new StartPacer(perSecond);
  pacers.set(key, p);
  return p;
}

function sleepUnlessAborted(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
