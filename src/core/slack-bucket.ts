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
  /** A per-channel bucket's workspace-wide budget (chat.postMessage), which every grant also draws on. */
  pool?: Bucket;
  /**
   * A workspace-wide budget's channel buckets that could go now but for it, with their keys: when it
   * has a token, the one whose next call ranks first gets it.
   */
  readonly blocked = new Map<Bucket, { workspace: string; method: string; channel?: string }>();

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

  /**
   * When this budget lets its next call go (waitMs 0: now; `early`: a run's first text on credit), or
   * undefined when a full window waits for an answer to start its clock (the scheduler pumps again then).
   */
  nextWait(now: number, firstTextWaits: () => boolean): { waitMs: number; early: boolean } | undefined {
    this.refill(now);
    this.expire(now);
    const counted = this.log.length + this.inFlight;
    const windowFull = counted >= this.budget.maxInWindow;
    // A run's first text need not wait for the even pace: Slack counts calls per window, so while
    // the window has room it goes at once on credit (tokens below zero), and the calls after it
    // pay the credit back at the same pace. Room is Slack's own limit, not the cap's margin under
    // it: the window counts a call from its grant to its answer plus a window, never less than
    // Slack's count from its arrival, so the margin buys nothing there, and a first text held for it
    // waits out the minute (at N = 50 the 50th run's first words came with 49 edits in the window).
    const early =
      this.budget.firstTextCredit !== undefined &&
      this.tokens - 1 >= -this.budget.firstTextCredit &&
      (this.tokens < 1 || windowFull) &&
      counted < this.budget.limit &&
      this.pausedUntil <= now &&
      this.critical.length === 0 &&
      firstTextWaits();
    if (windowFull && !early && this.log.length === 0 && this.pausedUntil <= now) return undefined;
    const waitMs =
      this.pausedUntil > now
        ? this.pausedUntil - now
        : early
          ? 0
          : windowFull
            ? this.log[0]! + this.budget.windowMs - now + 1
            : this.tokens >= 1
              ? 0
              : (1 - this.tokens) / this.rate;
    return { waitMs, early };
  }

  /** How long a critical call offered now would wait here behind `ahead` critical calls: tokens, pause, window. */
  criticalWaitMs(now: number, ahead: number): number {
    this.refill(now);
    const short = ahead + 1 - this.tokens;
    const recent = this.log.filter((t) => t > now - this.budget.windowMs);
    const windowFull = recent.length + this.inFlight + ahead >= this.budget.maxInWindow;
    const windowWait = windowFull && recent.length > 0 ? recent[0]! + this.budget.windowMs - now : 0;
    return Math.max(0, this.pausedUntil - now, short > 0 ? short / this.rate : 0, windowWait);
  }

  /** Slack answered 429: nothing goes until `until`, the tokens it thought it had are gone, one is ready then. */
  pause(until: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, until);
    this.tokens = 0;
    this.refilledAt = this.pausedUntil - 1 / this.rate;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
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
