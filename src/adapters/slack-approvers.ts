/**
 * Who may approve FIS experiments: Slack user ids and user group ids from FIS_APPROVERS. Group
 * membership comes from usergroups.users.list and is cached briefly, so a removed member loses the
 * right within minutes and clicks do not hit Slack's Tier 2 limit.
 */
import type { WebClient } from '@slack/web-api';
import type { ApproverDirectory } from '../core/approval-gate.ts';
import type { Logger } from '../core/logger.ts';

const CACHE_MS = 5 * 60_000;

export class SlackApproverDirectory implements ApproverDirectory {
  private readonly cache = new Map<string, { members: Set<string>; at: number }>();

  constructor(
    readonly configured: readonly string[],
    private readonly client: WebClient,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  async isApprover(userId: string): Promise<boolean> {
    if (this.configured.includes(userId)) return true;
    for (const group of this.configured.filter((id) => id.startsWith('S'))) {
      if ((await this.members(group)).has(userId)) return true;
    }
    return false;
  }

  private async members(group: string): Promise<Set<string>> {
    const hit = this.cache.get(group);
    if (hit && this.now() - hit.at < CACHE_MS) return hit.members;
    try {
      const res = await this.client.usergroups.users.list({ usergroup: group });
      const members = new Set(res.users ?? []);
      this.cache.set(group, { members, at: this.now() });
      return members;
    } catch (err) {
      // Fail closed: without the member list nobody from this group can approve.
      this.log.warn({ err, group }, 'could not list user group members');
      return hit?.members ?? new Set();
    }
  }
}
