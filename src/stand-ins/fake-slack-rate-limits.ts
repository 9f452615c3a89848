/**
 * Slack's rate limits as the fake enforces them: each Web API method belongs to a published tier
 * (calls per minute per workspace), chat.postMessage allows about one message per second per
 * channel and a few hundred a minute over the whole workspace, and a test can force the next calls of
 * a method to answer HTTP 429 with Retry-After.
 */

/** Published tiers (Slack's method reference; Slack's Java SDK keeps them in rate_limit_tiers.json). */
export const TIER_PER_MINUTE = { Tier1: 1, Tier2: 20, Tier3: 50, Tier4: 100 } as const;

export type Tier = keyof typeof TIER_PER_MINUTE | 'special';

/** The tier of every method the fake serves; the contract test holds this to Slack's published list. */
export const METHOD_TIERS: Record<string, Tier> = {
  'agents.sessions.rename': 'Tier3',
  'agents.sessions.setStatus': 'Tier3',
  'assistant.threads.setSuggestedPrompts': 'Tier3',
  'apps.connections.open': 'Tier1',
  'auth.test': 'special',
  'chat.appendStream': 'Tier4',
  'chat.postEphemeral': 'Tier4',
  'chat.postMessage': 'special',
  'chat.startStream': 'Tier2',
  'chat.stopStream': 'Tier2',
  'chat.update': 'Tier3',
  'conversations.history': 'Tier3',
  'conversations.join': 'Tier3',
  'conversations.replies': 'Tier3',
  'files.completeUploadExternal': 'Tier4',
  'files.getUploadURLExternal': 'Tier4',
  'reactions.add': 'Tier3',
  'reactions.remove': 'Tier2',
  'usergroups.users.list': 'Tier2',
  'users.info': 'Tier4',
  'views.publish': 'Tier4',
};

/**
 * chat.postMessage's workspace-wide cap. Slack's rate-limit guide (docs.slack.dev/apis/web-api/rate-limits)
 * says the method "generally allows posting one message per second per channel, while also maintaining
 * a workspace-wide limit", and its method page speaks of several hundred messages a minute without a
 * figure: the fake takes the strictest credible reading, 300 in any minute, beside the 1/s per channel.
 */
export const POST_WORKSPACE_PER_MINUTE = 300;

/** A workspace-wide cap on chat.postMessage: at most `limit` posts in any `windowMs`. */
export interface PostWorkspaceCap {
  limit: number;
  windowMs: number;
}

/**
 * A cap a test may set instead of Slack's, only if it is at least as strict: every minute holds at
 * most ceil(60 s / window) windows' worth of posts, which must stay within Slack's 300.
 */
export function strictPostCap(cap: PostWorkspaceCap): PostWorkspaceCap {
  const perMinute = cap.limit * Math.ceil(60_000 / cap.windowMs);
  if (
    !(
      cap.limit >= 1 &&
      cap.windowMs >= 1_000 &&
      cap.windowMs <= 60_000 &&
      perMinute <= POST_WORKSPACE_PER_MINUTE
    )
  )
    throw new Error(
      `postWorkspaceCap ${cap.limit} per ${cap.windowMs} ms could allow ${perMinute} posts a minute: the fake must be at least as strict as Slack (${POST_WORKSPACE_PER_MINUTE} a minute)`,
    );
  return cap;
}

/** auth.test is "special" in Slack's list; it tolerates far more than the bot ever sends. */
const SPECIAL_PER_MINUTE: Record<string, number> = { 'auth.test': 100 };

export function perMinute(method: string): number {
  const tier = METHOD_TIERS[method];
  if (!tier) return TIER_PER_MINUTE.Tier1;
  return tier === 'special' ? (SPECIAL_PER_MINUTE[method] ?? TIER_PER_MINUTE.Tier1) : TIER_PER_MINUTE[tier];
}

export class RateLimiter {
  private readonly forced: Array<{ method: string; retryAfter: number; times: number }> = [];
  private readonly windows = new Map<string, number[]>();

  private readonly postCap: PostWorkspaceCap;

  constructor(
    private readonly enforce: boolean,
    postCap: PostWorkspaceCap = { limit: POST_WORKSPACE_PER_MINUTE, windowMs: 60_000 },
  ) {
    this.postCap = strictPostCap(postCap);
  }

  /** The next `times` calls to `method` get HTTP 429 with Retry-After. */
  force(method: string, retryAfter: number, times: number): void {
    this.forced.push({ method, retryAfter, times });
  }

  /** Seconds to wait when this call is over the limit, else undefined (and the call is counted). */
  check(method: string, p: Record<string, unknown>): number | undefined {
    const forced = this.forced.find((f) => f.method === method && f.times > 0);
    if (forced) {
      forced.times--;
      return forced.retryAfter;
    }
    if (!this.enforce) return undefined;
    const now = Date.now();
    // A call counts against every limit it falls under, and only when all of them accept it.
    const limits: Array<[key: string, limit: number, windowMs: number]> =
      method === 'chat.postMessage'
        ? [
            [`${method}:${String(p.channel)}`, 1, 1000],
            [`${method}:workspace`, this.postCap.limit, this.postCap.windowMs],
          ]
        : [[method, perMinute(method), 60_000]];
    let wait: number | undefined;
    const recent = limits.map(([key, limit, windowMs]) => {
      const hits = (this.windows.get(key) ?? []).filter((t) => t > now - windowMs);
      this.windows.set(key, hits);
      if (hits.length >= limit)
        wait = Math.max(wait ?? 0, Math.max(1, Math.ceil((hits[0]! + windowMs - now) / 1000)));
      return hits;
    });
    if (wait !== undefined) return wait;
    for (const hits of recent) hits.push(now);
    return undefined;
  }
}
