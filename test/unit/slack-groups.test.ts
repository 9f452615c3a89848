/** User group membership: cached for its lifetime, and never trusted past it while Slack fails. */
import type { WebClient } from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import { SlackApproverDirectory, SlackGroups } from '../../src/adapters/slack-approvers.ts';
import { createLogger } from '../../src/log.ts';

function groupsWith(answers: Array<string[] | Error>) {
  let clock = 1_000_000;
  const calls: string[] = [];
  const client = {
    usergroups: {
      users: {
        list: async ({ usergroup }: { usergroup: string }) => {
          calls.push(usergroup);
          const next = answers.length > 1 ? answers.shift()! : answers[0]!;
          if (next instanceof Error) throw next;
          return { ok: true, users: next };
        },
      },
    },
  } as unknown as WebClient;
  const groups = new SlackGroups(client, createLogger('silent'), () => clock);
  return { groups, calls, advance: (ms: number) => (clock += ms) };
}

describe('SlackGroups', () => {
  it('uses the cached list within its lifetime, then fails closed for approvals while Slack fails', async () => {
    const { groups, calls, advance } = groupsWith([['U0DAVE004'], new Error('fatal_error')]);
    const approvers = new SlackApproverDirectory(['S0SRE0001'], groups);
    expect(await approvers.isApprover('U0DAVE004')).toBe(true);
    advance(60_000);
    expect(await approvers.isApprover('U0DAVE004')).toBe(true); // cached, no call
    expect(calls).toHaveLength(1);
    advance(5 * 60_000);
    expect(await approvers.isApprover('U0DAVE004')).toBe(false); // expired and Slack fails: deny
    advance(60 * 60_000);
    expect(await approvers.isApprover('U0DAVE004')).toBe(false);
    expect(calls.length).toBeGreaterThan(2);
  });

  it('recovers as soon as Slack answers again', async () => {
    const { groups, advance } = groupsWith([['U0DAVE004'], new Error('fatal_error'), ['U0DAVE004']]);
    expect(await groups.isMember('U0DAVE004', ['S0SRE0001'])).toBe(true);
    advance(6 * 60_000);
    expect(await groups.isMember('U0DAVE004', ['S0SRE0001'])).toBe(false);
    expect(await groups.isMember('U0DAVE004', ['S0SRE0001'])).toBe(true);
  });
});
