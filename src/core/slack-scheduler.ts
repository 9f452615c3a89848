/**
 * A per-workspace scheduler for Slack Web API calls. Slack's limits are per method per workspace
 * (chat.update ~50/min for every run together; chat.postMessage ~1/s per channel), so every call
 * the bot makes draws from one shared budget per (workspace, method[, channel]):
 *
 * - Budget: a token bucket per key whose burst plus one window's refill stays under Slack's limit,
 *   so the bot never provokes a 429 in steady state.
 * - Priority and fairness (slack-call-order.ts): `critical` calls that show no run's text (roots,
 *   roll-overs, approval cards) go first; then the call whose unshown agent text is oldest, whether
 *   an intermediate edit, a run's first text or its final edit, so with N runs writing each gets
 *   about one edit per N tokens (the cadence adapts to load by itself); status-only edits last.
 * - Latest state wins: a run has at most one progress call waiting; offering another replaces it, and
 *   the call renders its content when granted, so a skipped intermediate edit loses nothing.
 * - Workspace-wide caps on per-channel methods (chat.postMessage: ~300/min over all channels): each
 *   channel's bucket also draws on one shared bucket per workspace; a channel that could go but for
 *   the shared one waits on it, and its tokens go to whichever waiting channel's next call ranks
 *   first (same order as within a bucket), so priority and oldest-text-first hold across channels.
 * - 429: the bucket that was limited (that workspace and method only) pauses for Retry-After; the call
 *   is retried at the front of its queue (critical) or re-offered (progress). Other methods, other
 *   workspaces and other channels keep going. A post's 429 asking more than the 1 s a channel's limit
 *   can ask is the workspace cap's: the shared bucket pauses too.
 *
 * Plain TypeScript: the clock and timers are injectable so tests run on fake timers. The queues and
 * token bucket of one budget are in slack-bucket.ts, the order calls are granted in slack-call-order.ts,
 * which channel a workspace-wide budget serves next in slack-shared-budget.ts, and what a caller hands
 * it (a call, its key, the scheduler's options) in slack-scheduler-calls.ts.
 */

import { Bucket, type Waiting } from './slack-bucket.ts';
import { DEFAULT_BUDGETS, type MethodBudget } from './slack-budgets.ts';
import { firstTextWaiting, showsFirstText, takeNext } from './slack-call-order.ts';
import type { CallKey, ScheduledCall, SchedulerOptions } from './slack-scheduler-calls.ts';
import { chooseChannel, sharedBucket, sharedId } from './slack-shared-budget.ts';

export type { Lane } from './slack-bucket.ts';
export { DEFAULT_BUDGETS, type MethodBudget } from './slack-budgets.ts';
export type { CallKey, ScheduledCall, SchedulerOptions } from './slack-scheduler-calls.ts';

export class SlackScheduler {
  private readonly budgets: Record<string, MethodBudget>;
  private readonly now: () => number;
  private readonly buckets = new Map<string, Bucket>();
  private readonly keyOfBucket = new Map<Bucket, CallKey>();
  /** Workspace-wide budgets of per-channel methods, by workspace and method. */
  private readonly pools = new Map<string, Bucket>();
  private seq = 0;
  /** Counters for logs and the benchmark. */
  readonly stats = { granted: 0, rateLimited: 0, replaced: 0 };

  constructor(private readonly o: SchedulerOptions = {}) {
    this.budgets = { ...DEFAULT_BUDGETS, ...o.budgets };
    this.now = o.now ?? Date.now;
  }

  /** Runs `fn` when the budget allows. Critical calls are retried after a 429; progress calls are not. */
  run<T>(call: ScheduledCall<T>): Promise<T> {
    const budget = this.budgets[call.method];
    if (!budget) return call.fn();
    const bucket = this.bucket(call, budget);
    return new Promise<T>((resolve, reject) => {
      const w: Waiting = {
        lane: call.lane,
        runKey: call.runKey,
        seq: this.seq++,
        offeredAt: this.now(),
        hasNews: call.hasNews,
        pendingSince: call.pendingSince,
        fn: call.fn,
        resolve: resolve as (v: unknown) => void,
        reject,
        attempts: 0,
      };
      const replaced = bucket.enqueue(w);
      if (replaced) {
        // Latest state wins: the older intermediate edit is dropped; its content is in the newer one.
        this.stats.replaced++;
        replaced.resolve(undefined);
      }
      // A first text may go before the timer the bucket waits on (see pump).
      if (bucket.timer && showsFirstText(w, bucket)) {
        clearTimeout(bucket.timer);
        bucket.timer = undefined;
      }
      this.pump(bucket, call);
    });
  }

  /**
   * The interval at which one run can expect its progress edits on this method right now: the
   * budget's refill interval times the runs competing for it (never less than `minMs`).
   */
  cadenceMs(key: CallKey, activeRuns: number, minMs = 0): number {
    const budget = this.budgets[key.method];
    if (!budget) return minMs;
    const steady = Math.max(budget.refillMs, budget.windowMs / budget.maxInWindow);
    return Math.max(minMs, steady * Math.max(1, activeRuns));
  }

  /** Drops a run's waiting progress calls (its final edit is about to carry everything). */
  cancelProgress(runKey: string): void {
    for (const b of this.buckets.values()) {
      const w = b.progress.get(runKey);
      if (w) {
        b.progress.delete(runKey);
        w.resolve(undefined);
      }
      b.lastServed.delete(runKey);
      b.showedText.delete(runKey);
    }
  }

  /**
   * A run's waiting call now shows its first text (it renders when granted): its bucket looks again
   * instead of sleeping until the next token, so the text may go at once (see pump).
   */
  reconsider(runKey: string): void {
    for (const [b, key] of this.keyOfBucket) {
      if (!b.timer || !b.progress.has(runKey) || !showsFirstText(b.progress.get(runKey)!, b)) continue;
      clearTimeout(b.timer);
      b.timer = undefined;
      this.pump(b, key);
    }
  }

  /**
   * How long a critical call on this key would wait if offered now: behind the critical calls
   * already waiting, for the tokens they and it need, a 429 pause and a full window (0: at once).
   */
  waitMs(key: CallKey): number {
    const budget = this.budgets[key.method];
    const b = budget && this.buckets.get(this.keyOf(key, budget));
    // A channel's first post has no bucket yet but still waits on its workspace's shared one.
    const pool = b?.pool ?? (budget?.workspace ? this.pools.get(sharedId(key)) : undefined);
    const now = this.now();
    let ahead = 0;
    for (const c of pool?.blocked.keys() ?? []) ahead += c.critical.length;
    return Math.max(b?.criticalWaitMs(now, b.critical.length) ?? 0, pool?.criticalWaitMs(now, ahead) ?? 0);
  }

  /** Calls waiting for a bucket (for health and tests). */
  waiting(key: CallKey): number {
    return this.buckets.get(this.keyOf(key, this.budgets[key.method]))?.waiting ?? 0;
  }

  /** When a bucket is paused by a 429: until when (ms epoch), else 0. */
  pausedUntil(key: CallKey): number {
    return this.buckets.get(this.keyOf(key, this.budgets[key.method]))?.pausedUntil ?? 0;
  }

  private keyOf(k: CallKey, budget: MethodBudget | undefined): string {
    return budget?.perChannel
      ? `${k.workspace}|${k.method}|${k.channel ?? ''}`
      : `${k.workspace}|${k.method}`;
  }

  private bucket(k: CallKey, budget: MethodBudget): Bucket {
    const id = this.keyOf(k, budget);
    let b = this.buckets.get(id);
    if (!b) {
      b = new Bucket(budget, this.now());
      const shared = budget.workspace;
      if (shared) b.pool = sharedBucket(this.pools, k, () => new Bucket(shared, this.now()));
      this.buckets.set(id, b);
      this.keyOfBucket.set(b, { workspace: k.workspace, method: k.method, channel: k.channel });
    }
    return b;
  }

  private pump(b: Bucket, key: CallKey): void {
    if (b.timer) return;
    for (;;) {
      if (b.waiting === 0) {
        b.pool?.blocked.delete(b);
        this.forgetIdle(b);
        return;
      }
      const now = this.now();
      const next = b.nextWait(now, () => firstTextWaiting(b));
      if (!next) return;
      if (next.waitMs > 0) {
        b.pool?.blocked.delete(b);
        this.sleep(b, key, next.waitMs);
        return;
      }
      if (b.pool) {
        // Ready but for the workspace-wide budget: it decides which channel goes (pumpPool).
        b.pool.blocked.set(b, key);
        this.pumpPool(b.pool);
        return;
      }
      this.grant(b, key, now, next.early);
    }
  }

  private sleep(b: Bucket, key: CallKey, waitMs: number): void {
    b.timer = setTimeout(() => {
      b.timer = undefined;
      this.pump(b, key);
    }, Math.ceil(waitMs));
    (b.timer as { unref?: () => void }).unref?.();
  }

  /**
   * Grants a workspace-wide budget's tokens to the channels waiting on it, the best-ranked next call
   * first, while it has tokens; else sleeps until it has one (or an answer starts a full window's clock).
   */
  private pumpPool(p: Bucket): void {
    if (p.timer) return;
    for (;;) {
      const now = this.now();
      const best = chooseChannel(
        p,
        now,
        (b, key, waitMs) => this.sleep(b, key, waitMs),
        (b) => this.forgetIdle(b),
      );
      if (!best) return;
      // The shared budget's own pace and window (it holds no calls, so never a first text on credit).
      const wait = p.nextWait(now, () => false);
      if (!wait) return;
      if (wait.waitMs > 0) {
        p.timer = setTimeout(() => {
          p.timer = undefined;
          this.pumpPool(p);
        }, Math.ceil(wait.waitMs));
        (p.timer as { unref?: () => void }).unref?.();
        return;
      }
      p.tokens -= 1;
      p.inFlight++;
      this.grant(best.b, best.key, now, best.early);
    }
  }

  private grant(b: Bucket, key: CallKey, now: number, early: boolean): void {
    b.tokens -= 1;
    b.inFlight++;
    const w = takeNext(b, now, early)!;
    this.stats.granted++;
    void this.execute(b, key, w);
  }

  private async execute(b: Bucket, key: CallKey, w: Waiting): Promise<void> {
    const answered = () => {
      b.inFlight--;
      b.log.push(this.now());
      if (b.pool) {
        b.pool.inFlight--;
        b.pool.log.push(this.now());
      }
    };
    // A full window (the bucket's or the workspace's) may have been waiting for an answer to start its clock.
    const again = () => {
      if (!b.timer && b.waiting > 0) this.pump(b, key);
      if (b.pool && !b.pool.timer && b.pool.blocked.size > 0) this.pumpPool(b.pool);
    };
    try {
      const result = await w.fn();
      answered();
      w.resolve(result);
      again();
    } catch (err) {
      answered();
      const retryAfter = this.o.retryAfterOf?.(err);
      if (retryAfter === undefined) {
        w.reject(err);
        again();
        return;
      }
      this.stats.rateLimited++;
      this.o.onRateLimited?.(key, retryAfter);
      // Only this bucket waits (the timer it slept on is cleared, pumped again below) ...
      b.pause(this.now() + retryAfter * 1000);
      // ... unless the wait is longer than a channel's window: the workspace-wide cap refused it.
      if (b.pool && retryAfter * 1000 > b.budget.windowMs) b.pool.pause(b.pausedUntil);
      if (w.lane === 'critical' && ++w.attempts <= (this.o.maxRateLimitedRetries ?? 5)) {
        (w.pendingSince ? b.aged : b.critical).unshift(w);
      } else if (w.lane === 'progress' && w.runKey !== undefined && !b.progress.has(w.runKey)) {
        // Re-offer it: it renders the latest state when it finally runs.
        if (++w.attempts <= (this.o.maxRateLimitedRetries ?? 5)) b.progress.set(w.runKey, w);
        else w.reject(err);
      } else if (w.lane === 'progress') {
        // A newer edit for this run is already waiting and will carry the same text.
        w.resolve(undefined);
      } else {
        w.reject(err);
      }
      this.pump(b, key);
      again();
    }
  }

  private forgetIdle(b: Bucket): void {
    // Keep lastServed small: runs that finished long ago no longer matter for fairness.
    if (b.lastServed.size > 1000) {
      const cutoff = this.now() - 10 * b.budget.windowMs;
      for (const [k, t] of b.lastServed)
        if (t < cutoff) {
          b.lastServed.delete(k);
          b.showedText.delete(k);
        }
    }
  }
}
