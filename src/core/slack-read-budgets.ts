/**
 * Budgets for the reads the Slack writer makes to check whether a post or an upload whose answer was
 * lost landed (conversations.replies in a thread, conversations.history for a root post). Both are
 * Tier 3 in Slack's published tiers (50+ a minute per workspace; test/fixtures/slack-web-api/
 * rate_limit_tiers.json), as the fake Slack enforces them. Passed to the scheduler beside its own
 * budgets (SchedulerOptions.budgets), so the lookups share one pace per workspace and a 429 on one
 * is waited out (Retry-After) and retried instead of ending the check with a repost.
 *
 * Slack gives commercially distributed apps outside the Marketplace created after 2025-05-29 far
 * lower limits on these two methods; this budget is for the internal app the bot is deployed as,
 * and a 429 there still only delays the check.
 */
import type { MethodBudget } from './slack-budgets.ts';

const TIER3: MethodBudget = { limit: 50, windowMs: 60_000, maxInWindow: 49, burst: 4, refillMs: 1_334 };

export const READ_BUDGETS: Record<string, MethodBudget> = {
  'conversations.replies': TIER3,
  'conversations.history': TIER3,
};
