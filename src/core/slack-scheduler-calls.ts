/**
 * What callers hand the Slack scheduler (slack-scheduler.ts): a call with the key of the budget it
 * draws on, its lane and what it would show, and the scheduler's options. Kept apart from the
 * scheduler's machinery so the writers that offer calls (scheduled-writer.ts, the reply streams) read
 * the contract without the bucket and grant logic.
 */
import type { Lane } from './slack-bucket.ts';
import type { MethodBudget } from './slack-budgets.ts';

export interface CallKey {
  workspace: string;
  method: string;
  /** Needed for per-channel budgets (chat.postMessage). */
  channel?: string;
}

export interface ScheduledCall<T> extends CallKey {
  lane: Lane;
  /** Identifies the run (one reply stream) for fairness and latest-state-wins. */
  runKey?: string;
  /** Progress calls: whether this one would show new agent text (preferred over status-only edits). */
  hasNews?: () => boolean;
  /**
   * When the oldest agent text this call would show was written (undefined: none). Calls that say
   * so, progress or critical, are granted oldest text first (slack-call-order.ts).
   */
  pendingSince?: () => number | undefined;
  fn: () => Promise<T>;
}

export interface SchedulerOptions {
  budgets?: Record<string, MethodBudget>;
  now?: () => number;
  /** How long a call may be retried after 429s before its error is passed on (critical calls). */
  maxRateLimitedRetries?: number;
  /** Tells whether an error is a 429 and how long to wait (seconds). */
  retryAfterOf?: (err: unknown) => number | undefined;
  onRateLimited?: (key: CallKey, retryAfterSeconds: number) => void;
}
