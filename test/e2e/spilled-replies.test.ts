/**
 * Spilled replies (src/core/reply-spill.ts) through the real Bolt app against the rate-limited fake
 * Slack: the workspace's chat.update budget is made scarce in the bot's scheduler (as fifty busy
 * runs make it for each run), so three runs writing at once get an edit every ~24 s each. Their text
 * goes out in plain replies below the first one instead, complete and in order, with the status and
 * Stop kept on the first reply until the run ends, and no call is rate limited.
 */
import { WebClient } from '@slack/web-api';
import { afterEach, describe, expect, it } from 'vitest';
import { WebApiSlackWriter } from '../../src/adapters/slack-writer.ts';
import { retryAfterOf, ScheduledSlackWriter } from '../../src/core/scheduled-writer.ts';
import { SlackScheduler } from '../../src/core/slack-scheduler.ts';
import type { StoredMessage } from '../../src/stand-ins/fake-slack.ts';
import { type Invocation, userText } from '../../src/stand-ins/harness-emulator.ts';
import { answer } from '../../src/stand-ins/scenarios.ts';
import { finalReplies, type Rig, startRig, USER } from '../helpers/rig.ts';

const RUNS = 3;

const markdown = (m: StoredMessage) =>
  ((m.blocks ?? []) as Array<{ type: string; text?: string }>)
    .filter((b) => b.type === 'markdown')
    .map((b) => b.text ?? '')
    .join('');
const hasStop = (m: StoredMessage) => JSON.stringify(m.blocks ?? []).includes('stop_run');

function report(i: number): string {
  return Array.from(
    { length: 18 },
    (_, p) =>
      `Finding ${p} of run ${i}: the node group ng-${p} has ${p + 3} healthy nodes and no pending pods.`,
  ).join('\n\n');
}

/** The bot with one edit every 8 s for the whole workspace (as fifty busy runs make it for each run). */
function congestedRig(env?: Record<string, string>): Promise<Rig> {
  return startRig({
    slack: { enforceRateLimits: true },
    ...(env ? { env } : {}),
    hooks: {
      writer: (app) =>
        new ScheduledSlackWriter(
          new WebApiSlackWriter(app.client),
          new SlackScheduler({
            retryAfterOf,
            budgets: {
              'chat.update': { limit: 50, windowMs: 60_000, maxInWindow: 8, burst: 1, refillMs: 8_000 },
            },
          }),
          'bot-token-workspace',
        ),
    },
  });
}

/**
 * The answer for the cluster the command named (`eks spill-3` gets run 3's report): runs started
 * together reach the harness in any order, so a queue in command order would swap their answers.
 */
const reportFor = (prefix: string) => (inv: Invocation) => {
  const i = Number(new RegExp(`${prefix}-(\\d+)`).exec(userText(inv))?.[1] ?? Number.NaN);
  return answer(report(i), { chunk: 12, delayMs: 100 });
};

describe('edited replies when chat.update is congested', () => {
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('the text spills into plain replies: complete, in order, Stop only on the first reply, no 429', async () => {
    rig = await congestedRig();
    const r = rig;
    // One channel per run: Slack allows about one new message a second per channel.
    for (let i = 0; i < RUNS; i++) {
      r.slack.addChannel({ id: `C0SPILL${i}`, name: `spill-${i}`, members: [USER, r.slack.botUserId] });
      r.harness.enqueue(reportFor('spill'));
    }
    await Promise.all(
      Array.from({ length: RUNS }, (_, i) =>
        r.slack.slashCommand({
          command: '/assess',
          text: `eks spill-${i}`,
          user: USER,
          channel: `C0SPILL${i}`,
        }),
      ),
    );
    const threads = await Promise.all(
      Array.from({ length: RUNS }, async (_, i) => {
        const channel = `C0SPILL${i}`;
        const root = await r.slack.waitFor(() => r.slack.rootMessages(channel)[0], 5000, 'root message');
        // While the run writes, its text appears in a spilled reply below the first one.
        await r.slack.waitFor(
          () => r.slack.replies(channel, root.ts).length >= 2,
          30_000,
          'a spilled reply while the run writes',
        );
        const live = r.slack.replies(channel, root.ts);
        expect(hasStop(live[0]!)).toBe(true);
        expect(live.slice(1).some(hasStop)).toBe(false);
        return finalReplies(r, channel, root.ts, 60_000);
      }),
    );
    for (const [i, replies] of threads.entries()) {
      // The first reply, at least one spilled reply, and the final reply with the footer.
      expect(replies.length).toBeGreaterThanOrEqual(3);
      const shown = replies.map(markdown).join('').replace(/\s+/g, '');
      expect(shown).toBe(report(i).replace(/\s+/g, ''));
      await r.slack.waitFor(
        () => !hasStop(r.slack.message(`C0SPILL${i}`, replies[0]!.ts)!),
        45_000,
        'Stop gone',
      );
      const head = r.slack.message(`C0SPILL${i}`, replies[0]!.ts)!;
      expect(JSON.stringify(head.blocks)).toContain('the answer continues below');
      // The footer's reply comes first; the first reply's controls go with the final's one edit.
      expect(r.slack.replies(`C0SPILL${i}`, replies[0]!.threadTs!).some(hasStop)).toBe(false);
    }
    expect(
      r.slack.calls.filter((c) => c.status === 429 || c.error).map((c) => `${c.method}:${c.error}`),
    ).toEqual([]);
  }, 180_000);

  it('another replica spent most of the workspace’s posts: 429s on spills and finals lose nothing, show no error', async () => {
    rig = await congestedRig();
    const r = rig;
    // Another replica of the bot (same token, same workspace) has just posted 294 messages: the
    // workspace's 300 posts a minute are nearly gone, which this process's budget cannot know.
    const other = new WebClient(r.slack.botToken, {
      slackApiUrl: r.slack.apiUrl,
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 0 },
    });
    const busy = Array.from({ length: 294 }, (_, i) => `C0OTHER${String(i).padStart(3, '0')}`);
    for (const id of busy) r.slack.addChannel({ id, name: id.toLowerCase(), members: [r.slack.botUserId] });
    await Promise.all(busy.map((channel) => other.chat.postMessage({ channel, text: 'other replica' })));
    for (let i = 0; i < 2; i++) {
      r.slack.addChannel({ id: `C0CAP${i}`, name: `cap-${i}`, members: [USER, r.slack.botUserId] });
      r.harness.enqueue(reportFor('cap'));
    }
    await Promise.all(
      [0, 1].map((i) =>
        r.slack.slashCommand({ command: '/assess', text: `eks cap-${i}`, user: USER, channel: `C0CAP${i}` }),
      ),
    );
    for (let i = 0; i < 2; i++) {
      const channel = `C0CAP${i}`;
      const root = await r.slack.waitFor(() => r.slack.rootMessages(channel)[0], 10_000, 'root message');
      const replies = await finalReplies(r, channel, root.ts, 150_000);
      expect(replies.map(markdown).join('').replace(/\s+/g, '')).toBe(report(i).replace(/\s+/g, ''));
      const all = JSON.stringify(r.slack.replies(channel, root.ts).map((m) => m.blocks));
      expect(all).not.toMatch(/rate limit|ratelimited|could not|failed/i);
      await r.slack.waitFor(() => !r.slack.replies(channel, root.ts).some(hasStop), 60_000, 'Stop gone');
    }
    // The workspace cap did refuse some of this replica's posts (the case under test happened).
    const refused = r.slack.calls.filter(
      (c) =>
        c.method === 'chat.postMessage' && c.status === 429 && String(c.params.channel).startsWith('C0CAP'),
    );
    expect(refused.length).toBeGreaterThan(0);
  }, 240_000);

  it('with SPILL_REPLIES=false the answer stays in the edited first reply, complete, no 429', async () => {
    rig = await congestedRig({ SPILL_REPLIES: 'false' });
    const r = rig;
    r.slack.addChannel({ id: 'C0NOSPILL', name: 'no-spill', members: [USER, r.slack.botUserId] });
    r.harness.enqueue(answer(report(0), { chunk: 12, delayMs: 100 }));
    await r.slack.slashCommand({
      command: '/assess',
      text: 'eks no-spill',
      user: USER,
      channel: 'C0NOSPILL',
    });
    const root = await r.slack.waitFor(() => r.slack.rootMessages('C0NOSPILL')[0], 5000, 'root message');
    const replies = await finalReplies(r, 'C0NOSPILL', root.ts, 90_000);
    expect(replies).toHaveLength(1);
    expect(markdown(replies[0]!).replace(/\s+/g, '')).toBe(report(0).replace(/\s+/g, ''));
    expect(r.slack.calls.filter((c) => c.method === 'chat.postMessage')).toHaveLength(2);
    expect(r.slack.calls.filter((c) => c.status === 429 || c.error)).toEqual([]);
  }, 180_000);
});
