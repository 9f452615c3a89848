/**
 * Native streaming with several runs in one workspace, through the real Bolt app against the
 * rate-limited fake Slack: the runs are split between streams (chat.appendStream's budget) and
 * ordinary messages with edits (chat.update's), so both budgets carry text
 * (reply-stream-native-balance.ts); every run's answer arrives complete, with no 429. Runs beyond
 * chat.startStream's budget (Tier 2, ~20 per minute) fall back to edits at once: unit-tested in
 * test/unit/reply-stream-native.test.ts, since it takes more than 20 runs here.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { StoredMessage } from '../../src/stand-ins/fake-slack.ts';
import { userText } from '../../src/stand-ins/harness-emulator.ts';
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

  it('five runs at once: four stream and one is edited, each complete, and no call is rate limited', async () => {
    rig = await startRig({ env: { STREAM_MODE: 'native' }, slack: { enforceRateLimits: true } });
    const r = rig;
    // One channel per run: Slack allows about one new message a second per channel.
    for (let i = 0; i < RUNS; i++) {
      r.slack.addChannel({ id: `C0BUDGET${i}`, name: `budget-${i}`, members: [USER, r.slack.botUserId] });
      // Routed by the cluster the command named: runs started together reach the harness in any order.
      r.harness.enqueue((inv) => {
        const run = /budget-(\d+)/.exec(userText(inv))?.[1];
        return answer(`Answer for run ${run}: the node group is healthy.`, { chunk: 8, delayMs: 20 });
      });
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
    // Two streams per edited run balance appends (~100 a minute) against edits (~50).
    expect(r.slack.callsTo('chat.startStream').length).toBe(4);
    const streamed = threads.filter((t) => t.some((m) => m.stream));
    expect(streamed.length).toBe(4);
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
