/**
 * One budget of the scheduler (src/core/slack-scheduler.ts): the calls waiting on one (workspace,
 * method[, channel]) and the token bucket and arrival window that decide when the next may go.
 */
import type { MethodBudget } from './slack-budgets.ts';

export type Lane = 'critical' | 'progress';

export interface Waiting {
  lane: Lane;
  runKey?: string;
  seq: number;
  /** When the call was offered (a final with nothing new to show waits from then). */
  offeredAt: number;
  hasNews?: () => boolean;
  /** When the oldest agent text this call would show was written; undefined: none. */
  pendingSince?: () => number | undefined;
  fn: () => Promise<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  attempts: number;
}

export class Bucket {
  tokens: number;
  refilledAt: number;
  pausedUntil = 0;
  /** Critical calls that show no run's text (roots, roll-overs, approval cards): first, in order. */
  readonly critical: Waiting[] = [];
  /** Critical calls that carry a run's text (final edits): they compete with progress by age. */
  readonly aged: Waiting[] = [];
  /** Progress calls by run key; at most one per run. */
  readonly progress = new Map<string, Waiting>();
  /** When each run was last granted a progress call (fair round robin). */
  readonly lastServed = new Map<string, number>();
  /** Runs granted a progress call that showed agent text (calls without `pendingSince` only). */
  readonly showedText = new Set<string>();
  timer: ReturnType<typeof setTimeout> | undefined;
  /**
   * Answer times within the last window, oldest first. Slack counts a call when it arrives, which
   * is some time between sending and the answer (under load, most of the round trip), so a call
   * counts from its grant while in flight and until its answer plus the window after that.
   */
  readonly log: number[] = [];
  inFlight = 0;

  constructor(
    readonly budget: MethodBudget,
    now: number,
  ) {
    this.tokens = budget.burst;
    this.refilledAt = now;
  }

  /** Tokens per millisecond. */
  get rate(): number {
    return 1 / this.budget.refillMs;
  }

  refill(now: number): void {
    if (now <= this.refilledAt) return;
    this.tokens = Math.min(this.budget.burst, this.tokens + (now - this.refilledAt) * this.rate);
    this.refilledAt = now;
  }

  /** Answers older than the window no longer count. */
  expire(now: number): void {
    while (this.log.length > 0 && this.log[0]! <= now - this.budget.windowMs) this.log.shift();
  }

  get waiting(): number {
    return this.critical.length + this.aged.length + this.progress.size;
  }

  /** Puts a call in its queue (a run's newer progress call replaces its waiting one: returned). */
  enqueue(w: Waiting): Waiting | undefined {
    if (w.lane === 'critical') {
      (w.pendingSince ? this.aged : this.critical).push(w);
      return undefined;
    }
    const key = w.runKey ?? `anon:${w.seq}`;
    const prev = this.progress.get(key);
    this.progress.set(key, w);
    return prev;
  }
}
