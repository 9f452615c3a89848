/**
 * Slack's per-method limits and the share of them the bot's scheduler uses (src/core/slack-scheduler.ts).
 */

export interface MethodBudget {
  /** Slack's documented allowance per window (for reference and the benchmark's floor). */
  limit: number;
  windowMs: number;
  /**
   * Hard cap: never more than this many grants in any `windowMs` (a margin under `limit`). A run's
   * first text on credit may go up to `limit` itself (slack-bucket.ts).
   */
  maxInWindow: number;
  /** Bucket capacity: how many calls may go out back to back after a quiet spell. */
  burst: number;
  /** Steady pace: one token per this many ms, so a busy workspace spreads its calls evenly. */
  refillMs: number;
  /**
   * How far below zero a run's first text may take the bucket while the window has room (it goes at
   * once; the calls after it repay the credit at the steady pace). Slack enforces the window, not
   * the pace, so with spilled replies (the default) the credit is the window cap: a run whose later
   * edits wait for the repayment spills its text after 5 s (reply-spill.ts) instead of waiting, and
   * 50 runs' first words within 9 s all show at once (test/unit/first-text-replay.test.ts: 4 of 45
   * allowed runs in time at N = 50 with a credit of 2, 42 with the window). With replies kept to
   * edited messages (SPILL_REPLIES=false) a minute's calls spent up front leave the rest of the
   * minute without edits (staleness p95 1.13 → 1.48 × the floor at N = 50), so there it stays 2:
   * see firstTextBudgets. The window's room for a first text is Slack's `limit`, not `maxInWindow`:
   * the bucket counts a call from its grant to its answer plus a window, never less than Slack's count
   * from its arrival, and at N = 50 the cap's margin held the 50th run's first words 9.4 s.
   */
  firstTextCredit?: number;
  /** Keyed per channel as well as per workspace (chat.postMessage). */
  perChannel?: boolean;
  /**
   * Per-channel methods: a budget over all channels of the workspace as well, that every call also
   * draws from (chat.postMessage's workspace-wide cap). Its tokens go to the channel whose waiting
   * call ranks first (slack-call-order.ts), so priority holds across channels.
   */
  workspace?: SharedBudget;
}

/** A budget shared by the channels of a workspace: the same fields without the per-channel ones. */
export type SharedBudget = Omit<MethodBudget, 'perChannel' | 'workspace' | 'firstTextCredit'>;

/**
 * Slack's limits (slack.md §2.1) and the share of them the bot uses: `burst + windowMs / refillMs`
 * stays at or under `maxInWindow`, so calls are paced evenly and the window cap rarely has to act. Slack counts calls per method
 * per workspace per minute and tolerates bursts, so a quiet workspace may send a few calls at once
 * (new runs show their first text immediately); under load the refill paces calls evenly, and the
 * window cap keeps every minute under Slack's limit.
 */
export const DEFAULT_BUDGETS: Record<string, MethodBudget> = {
  'chat.update': {
    limit: 50,
    windowMs: 60_000,
    maxInWindow: 49,
    burst: 4,
    refillMs: 1_334,
    firstTextCredit: 49,
  },
  // "One message per second per channel", with 10% slack for network jitter; and a workspace-wide
  // cap, "several hundred a minute", taken as 300 (the fake's POST_WORKSPACE_PER_MINUTE). Its burst
  // lets 40 runs starting together post their replies at once (each channel still 1/s); beyond that
  // posts are paced at 253 a minute, so burst plus a minute's refill stays under 294.
  'chat.postMessage': {
    limit: 1,
    windowMs: 1_000,
    maxInWindow: 1,
    burst: 1,
    refillMs: 1_100,
    perChannel: true,
    workspace: { limit: 300, windowMs: 60_000, maxInWindow: 294, burst: 40, refillMs: 237 },
  },
  // Stream starts and stops are not paced evenly: a start is a run's whole stream, worth most when the
  // runs it serves begin (a burst of runs is a burst of answers), and the stops of runs ending together
  // hold their footers. The whole window's share may go at once; the window cap keeps 19 a minute.
  'chat.startStream': { limit: 20, windowMs: 60_000, maxInWindow: 19, burst: 19, refillMs: 3_750 },
  // A run's first append with text may spend the window's room (test/unit/native-first-text-replay.test.ts):
  // a stream shows its status from the start, so its first words wait for an append.
  'chat.appendStream': {
    limit: 100,
    windowMs: 60_000,
    maxInWindow: 98,
    burst: 5,
    refillMs: 645,
    firstTextCredit: 98,
  },
  'chat.stopStream': { limit: 20, windowMs: 60_000, maxInWindow: 19, burst: 19, refillMs: 3_750 },
  // Queued follow-ups are marked with a reaction and unmarked when they run (Tier 3 and Tier 2).
  'reactions.add': { limit: 50, windowMs: 60_000, maxInWindow: 49, burst: 4, refillMs: 1_334 },
  'reactions.remove': { limit: 20, windowMs: 60_000, maxInWindow: 19, burst: 3, refillMs: 3_750 },
  // Private notes (a follow-up that could not be queued): Tier 4.
  'chat.postEphemeral': { limit: 100, windowMs: 60_000, maxInWindow: 98, burst: 5, refillMs: 645 },
};

/** The first-text credit when every answer stays in edited messages (SPILL_REPLIES=false). */
export const EDIT_ONLY_FIRST_TEXT_CREDIT = 2;

/**
 * Overrides of DEFAULT_BUDGETS for the reply mode: with spilled replies off, a run's later text can
 * only come through chat.update, so its first text may not spend the window the later edits need.
 */
export function firstTextBudgets(spillReplies: boolean): Record<string, MethodBudget> {
  if (spillReplies) return {};
  return {
    'chat.update': { ...DEFAULT_BUDGETS['chat.update']!, firstTextCredit: EDIT_ONLY_FIRST_TEXT_CREDIT },
  };
}
