/**
 * Slack user groups, for approvers (FIS_APPROVERS) and per-command access (COMMAND_ACCESS).
 * Membership comes from usergroups.users.list and is cached briefly, so a removed member loses the
 * right within minutes and clicks do not hit Slack's Tier 2 limit. Failures deny (fail closed): a
 * list past its lifetime is never used again, however long Slack's API keeps failing, because an
 * old list may still name someone who was removed from the group for a reason.
 */
import type { WebClient } from '@slack/web-api';
import type { GroupMembership } from '../core/access.ts';
import type { ApproverDirectory } from '../core/approval-gate.ts';
import type { Logger } from '../core/logger.ts';

const CACHE_MS = 5 * 60_000;

export class SlackGroups implements GroupMembership {
  private readonly cache = new Map<string, { members: Set<string>; at: number }>();

  constructor(
    private readonly client: WebClient,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  async isMember(userId: string, ids: readonly string[]): Promise<boolean> {
    if (ids.includes(userId)) return true;
    for (const group of ids.filter((id) => id.startsWith('S'))) {
      if ((await this.members(group)).has(userId)) return true;
    }
    return false;
  }

  /** The people these ids name: user ids as they are, user groups by their members (fail closed). */
  async expand(ids: readonly string[]): Promise<string[]> {
    const out = new Set(ids.filter((id) => !id.startsWith('S')));
    for (const group of ids.filter((id) => id.startsWith('S')))
      for (const u of await this.members(group)) out.add(u);
    return [...out];
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
      this.log.warn(
        { err, group, cachedAgeMs: hit ? this.now() - hit.at : undefined },
        'could not list user group members; denying until Slack answers',
      );
      return new Set();
    }
  }
}

export class SlackApproverDirectory implements ApproverDirectory {
  constructor(
    readonly configured: readonly string[],
    private readonly groups: GroupMembership,
  ) {}

  isApprover(userId: string): Promise<boolean> {
    return this.groups.isMember(userId, this.configured);
  }
}
