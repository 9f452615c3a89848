/**
 * Slack's workspace-wide cap on chat.postMessage, through the real Bolt app: many runs at once, one per
 * channel, so each channel's 1 post a second allows far more posts than the workspace may send, and
 * only the bot's workspace post budget (src/core/slack-shared-budget.ts) keeps them under the cap.
 *
 * Slack's cap (the fake's default: 300 in any minute) cannot be shown in well under a minute: a bot
 * keeping to it needs over a minute to deliver the 301 posts that would break it. So the fake holds
 * the workspace to 20 posts in any 10 s (at most 120 a minute: stricter than Slack, which the fake
 * checks), and the bot is given the matching workspace budget, scaled like its default one (a burst,
 * an even pace, a window cap just under the limit). A person in any of the threads must see the whole
 * answer and a normal footer, and the fake must have refused no post.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BUDGETS } from '../../src/core/slack-scheduler.ts';
import type { StoredMessage } from '../../src/stand-ins/fake-slack.ts';
import { answer } from '../../src/stand-ins/scenarios.ts';
import { finalReplies, type Rig, startRig, USER } from '../helpers/rig.ts';

const RUNS = 16;
const CAP = { limit: 20, windowMs: 10_000 };

const markdown = (m: StoredMessage) =>
  ((m.blocks ?? []) as Array<{ type: string; text?: string }>)
    .filter((b) => b.type === 'markdown')
    .map((b) => b.text ?? '')
    .join('');

function report(i: number): string {
  return Array.from(
    { length: 6 },
    (_, p) =>
      `Finding ${p} of run ${i}: the node group ng-${p} has ${p + 3} healthy nodes and no pending pods.`,
  ).join('\n\n');
}

describe("Slack's workspace-wide post cap", () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig({
      slack: { enforceRateLimits: true, postWorkspaceCap: CAP },
      hooks: {
        slackBudgets: {
          'chat.postMessage': {
            ...DEFAULT_BUDGETS['chat.postMessage']!,
            // 6 at once, then one every 800 ms: at most 6 + 12.5 in any 10 s, under the window cap of 19.
            workspace: { ...CAP, maxInWindow: 19, burst: 6, refillMs: 800 },
          },
        },
      },
    });
    // One run per channel: each channel may take a post a second, the workspace far fewer in all.
    for (let i = 0; i < RUNS; i++) {
      rig.slack.addChannel({ id: `C0CAP${i}`, name: `cap-${i}`, members: [USER, rig.slack.botUserId] });
      rig.harness.enqueue(answer(report(i), { chunk: 24, delayMs: 60 }));
    }
  }, 30_000);
  afterAll(async () => {
    await rig?.close();
  }, 60_000);

  it(`${RUNS} runs in ${RUNS} channels at once: every answer whole, no error shown, no post refused`, async () => {
    const r = rig;
    await Promise.all(
      Array.from({ length: RUNS }, (_, i) =>
        r.slack.slashCommand({ command: '/assess', text: `eks cap-${i}`, user: USER, channel: `C0CAP${i}` }),
      ),
    );
    const threads = await Promise.all(
      Array.from({ length: RUNS }, async (_, i) => {
        const channel = `C0CAP${i}`;
        const root = await r.slack.waitFor(() => r.slack.rootMessages(channel)[0], 20_000, 'root message');
        return finalReplies(r, channel, root.ts, 90_000);
      }),
    );
    // Which queued answer a run got depends on the order its agent was invoked: each shows one, whole.
    const shownRuns = threads.map((replies, i) => {
      const shown = replies.map(markdown).join('');
      const run = Number(/of run (\d+)/.exec(shown)?.[1]);
      expect(shown.replace(/\s+/g, ''), `thread in C0CAP${i}`).toBe(report(run).replace(/\s+/g, ''));
      const last = JSON.stringify(replies.at(-1)!.blocks);
      expect(last, `footer in C0CAP${i}`).toContain('Done in');
      // What a person reads (not the post's metadata, whose ids may hold any digits).
      for (const m of replies)
        expect(JSON.stringify([m.text, m.blocks]), `reply in C0CAP${i}`).not.toMatch(
          /rate.?limit|\b429\b|too many requests/i,
        );
      return run;
    });
    expect(new Set(shownRuns).size).toBe(RUNS);
    expect(r.slack.ephemerals.filter((e) => e.channel.startsWith('C0CAP'))).toEqual([]);
    const posts = r.slack.calls.filter((c) => c.method === 'chat.postMessage');
    // The cap was in play: the runs posted more than one window allows (each channel's 1/s would have let
    // them all go within two seconds).
    expect(posts.length).toBeGreaterThan(CAP.limit);
    expect(posts.filter((c) => c.status === 429 || c.error).map((c) => `${c.status}:${c.error}`)).toEqual([]);
  }, 150_000);
});
