/**
 * A full stream's continuation, through the real Bolt app against the rate-limited fake Slack: 30
 * runs at once take chat.startStream's burst (19 stream, 11 are edited, reply-stream-native-balance.ts).
 * Each writes ~8.8 KB at once, runs a tool for ~50 s, then writes ~3 KB more over ~16 s, which fills
 * its stream (~9.6 KB) about 52 s in, a few seconds before the starts' minute has passed. The continuation waits
 * for the next start (sooner than the run's next edit, ~16 s with 11 runs edited) instead of going on
 * with edits for the rest of the run (reply-stream-native.ts); before, every streamed run did. Each
 * thread must read as its whole answer, in order, with no call rate limited.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { report } from '../../bench/workload.ts';
import type { StoredMessage } from '../../src/stand-ins/fake-slack.ts';
import type { Reply } from '../../src/stand-ins/harness-emulator.ts';
import { assistantText, toolCall, usage } from '../../src/stand-ins/scenarios.ts';
import { finalReplies, type Rig, startRig, USER } from '../helpers/rig.ts';

const RUNS = 30;
const CHANNELS = 3;

/** The thread's agent text, code fences left out (they are closed and reopened across messages). */
function unfenced(replies: StoredMessage[]): string {
  return replies
    .map((m) =>
      ((m.blocks ?? []) as Array<{ type: string; text?: string }>)
        .filter((b) => b.type === 'markdown')
        .map((b) => b.text ?? '')
        .join(''),
    )
    .join('')
    .replace(/```\w*/g, '')
    .replace(/\s+/g, '');
}

/** The answer's first `head` characters at once, a tool call of ~50 s, then the rest. */
function withLongTool(text: string, head: number): Reply {
  const cut = text.indexOf('\n', head) + 1;
  return {
    steps: [
      { event: 'messageStart', data: { role: 'assistant' } },
      ...assistantText(text.slice(0, cut), { chunk: 400, delayMs: 20 }),
      ...toolCall('shell', { command: 'kubectl rollout status deploy/api' }, 'rolled out', {
        delayMs: 50_000,
      }),
      ...assistantText(text.slice(cut), { chunk: 20, delayMs: 100 }),
      { event: 'messageStop', data: { stopReason: 'end_turn' } },
      usage(2_000, Math.ceil(text.length / 4)),
    ],
  };
}

describe('native streaming: a full stream waits for the next stream start', () => {
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('30 runs: the streamed runs keep streaming in continuations, every answer whole, nothing rate limited', async () => {
    rig = await startRig({
      env: { STREAM_MODE: 'native', LONG_ANSWER_FILE_CHARS: '0', REPORT_FILES: 'off' },
      slack: { enforceRateLimits: true },
    });
    const r = rig;
    const channel = (i: number) => `C0CONT${i % CHANNELS}`;
    for (let c = 0; c < CHANNELS; c++)
      r.slack.addChannel({ id: channel(c), name: `cont-${c}`, members: [USER, r.slack.botUserId] });
    const texts = Array.from({ length: RUNS }, (_, i) => report(i, 12_000));
    for (const t of texts) r.harness.enqueue(withLongTool(t, 8_800));
    await Promise.all(
      Array.from({ length: RUNS }, (_, i) =>
        r.slack.slashCommand({ command: '/assess', text: `eks cont-${i}`, user: USER, channel: channel(i) }),
      ),
    );
    const roots = await r.slack.waitFor(
      () => {
        const all = Array.from({ length: CHANNELS }, (_, c) => r.slack.rootMessages(channel(c))).flat();
        return all.length === RUNS ? all : undefined;
      },
      20_000,
      'every root message',
    );
    const threads = await Promise.all(roots.map((m) => finalReplies(r, m.channel, m.ts, 150_000)));
    expect(threads.map(unfenced).sort()).toEqual(
      texts.map((t) => t.replace(/```\w*/g, '').replace(/\s+/g, '')).sort(),
    );
    expect(
      r.slack.calls.filter((c) => c.status === 429 || c.error).map((c) => `${c.method}:${c.error}`),
    ).toEqual([]);
    // The runs that streamed went on streaming: two streamed messages or more, and no edited one.
    const streamed = threads.filter((t) => t.some((m) => m.stream));
    expect(streamed.length).toBeGreaterThanOrEqual(15);
    for (const t of streamed) {
      const replies = t.filter((m) => m.botId);
      expect(replies.filter((m) => m.stream).length).toBeGreaterThanOrEqual(2);
      expect(replies.every((m) => m.stream)).toBe(true);
    }
  }, 200_000);
});
