/**
 * Native streaming under chat.startStream's budget (Tier 2, ~20 per minute per workspace, shared by
 * every run), through the real Bolt app against the rate-limited fake Slack: runs that start while
 * no stream start is available answer with an ordinary message and edits at once, instead of showing
 * nothing until a start frees up; every run's answer arrives complete, with no 429.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { StoredMessage } from '../../src/stand-ins/fake-slack.ts';
import { answer } from '../../src/stand-ins/scenarios.ts';
import { finalReplies, type Rig, startRig, USER } from '../helpers/rig.ts';

const RUNS = 5;

function markdownOf(replies: StoredMessage[]): string {
  return replies
    .map((m) =>
      ((m.blocks ?? []) as Array<{ type: string; text?: string }>)
        .filter((b) => b.type === 'markdown')
        .map((b) => b.text ?? '')
        .join(''),
    )
    .join('')
    .replace(/\s+/g, '');
}

describe('native streaming when stream starts are scarce', () => {
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('runs beyond the stream-start burst answer with edits at once, complete, and no call is rate limited', async () => {
    rig = await startRig({ env: { STREAM_MODE: 'native' }, slack: { enforceRateLimits: true } });
    const r = rig;
    // One channel per run: Slack allows about one new message a second per channel.
    for (let i = 0; i < RUNS; i++) {
      r.slack.addChannel({ id: `C0BUDGET${i}`, name: `budget-${i}`, members: [USER, r.slack.botUserId] });
      r.harness.enqueue(answer(`Answer for run ${i}: the node group is healthy.`, { chunk: 8, delayMs: 20 }));
    }
    await Promise.all(
      Array.from({ length: RUNS }, (_, i) =>
        r.slack.slashCommand({
          command: '/assess',
          text: `eks budget-${i}`,
          user: USER,
          channel: `C0BUDGET${i}`,
        }),
      ),
    );
    const threads = await Promise.all(
      Array.from({ length: RUNS }, async (_, i) => {
        const channel = `C0BUDGET${i}`;
        const root = await r.slack.waitFor(() => r.slack.rootMessages(channel)[0], 5000, 'root message');
        return finalReplies(r, channel, root.ts, 20_000);
      }),
    );
    // The fake's limit is Slack's (20 a minute); the bot's share allows three at once.
    expect(r.slack.callsTo('chat.startStream').length).toBe(3);
    const streamed = threads.filter((t) => t.some((m) => m.stream));
    expect(streamed.length).toBe(3);
    const shown = threads.map((t) => markdownOf(t)).sort();
    const texts = Array.from({ length: RUNS }, (_, i) =>
      `Answer for run ${i}: the node group is healthy.`.replace(/\s+/g, ''),
    ).sort();
    expect(shown).toEqual(texts);
    expect(
      r.slack.calls.filter((c) => c.status === 429 || c.error).map((c) => `${c.method}:${c.error}`),
    ).toEqual([]);
  }, 60_000);
});
