/**
 * The benchmark's measurement (bench/measure.ts) and floors (bench/floor.ts): what it reports as lost
 * must be lost, the first-text target is counted per run, and the native floor accounts for the
 * stream-start budget and the edits a native writer can fall back to.
 */
import { describe, expect, it } from 'vitest';
import { editFloor, mixPercentile, nativeFloor } from '../../bench/floor.ts';
import { measureThreads, type Produced } from '../../bench/measure.ts';
import { DEFAULT_BUDGETS } from '../../src/core/slack-budgets.ts';
import type { FakeSlack, StoredMessage } from '../../src/stand-ins/fake-slack.ts';

/** A thread as the fake keeps it: the root, then bot replies with every version (text at a time). */
function slackWith(threads: Array<{ versions: Array<[number, string]>; footer: boolean }>) {
  const roots = threads.map((_, i) => ({ channel: 'C1', ts: `${i}.0` }) as StoredMessage);
  const replies = (_c: string, ts: string) => {
    const t = threads[Number(ts.split('.')[0])]!;
    const last = t.versions.at(-1)?.[1] ?? '';
    const footer = t.footer ? [{ type: 'context', elements: [{ type: 'mrkdwn', text: 'Done in 3s' }] }] : [];
    return [
      {
        botId: 'B1',
        blocks: [{ type: 'markdown', text: last }, ...footer],
        versions: t.versions.map(([at, text]) => ({ at, text, blocks: [{ type: 'markdown', text }] })),
      },
    ] as unknown as StoredMessage[];
  };
  return { slack: { replies } as unknown as FakeSlack, roots };
}

const produced = (text: string, at: number): Produced => ({ text, times: [at], lens: [text.length] });

describe('bench measurement', () => {
  it('an unfinished run at the cap has undelivered text, not lost text; a finished run missing text lost it', () => {
    const { slack, roots } = slackWith([
      { versions: [[1_100, 'abcdefghij']], footer: false },
      { versions: [[1_100, 'abcdefghij']], footer: true },
    ]);
    const m = measureThreads(slack, roots, [
      produced('abcdefghijklmnopqrst', 1_000),
      produced('abcdefghijklmnopqrst', 1_000),
    ]);
    expect(m.unfinished).toBe(1);
    expect(m.undelivered).toBe(10);
    expect(m.lost).toBe(10);
  });

  it('counts the runs whose first text showed within 300 ms of their first delta, and the wait from the command', () => {
    const { slack, roots } = slackWith([
      { versions: [[1_250, 'hello']], footer: true },
      { versions: [[1_400, 'hello']], footer: true },
    ]);
    const m = measureThreads(slack, roots, [produced('hello', 1_000), produced('hello', 1_000)], false, 500);
    expect(m.firstOnTime).toBe(1);
    expect(m.wrote).toBe(2);
    expect(m.fromCommand).toEqual([750, 900]);
  });
});

describe('bench floors', () => {
  const b = {
    append: DEFAULT_BUDGETS['chat.appendStream']!,
    update: DEFAULT_BUDGETS['chat.update']!,
    start: DEFAULT_BUDGETS['chat.startStream']!,
  };
  const w = { chars: 20_000, writeSeconds: 108, streamBytes: 10_600 };

  it('edit mode: chat.update (50 a minute) shared by N runs', () => {
    expect(editFloor(10, b.update).p95).toBe(11_400);
  });

  it('native mode, one run: one stream, appendStream (100 a minute) to itself', () => {
    expect(nativeFloor(1, b, w)).toEqual({ p50: 300, p95: 570, streamed: 1 });
  });

  it('native mode, many runs: the best split between streams and edits, no more streams than the starts allow', () => {
    const ten = nativeFloor(10, b, w);
    expect(ten.streamed).toBe(7);
    // 70% of the text waits U(0, 4.2 s) on appends, 30% U(0, 3.6 s) on edits: their mix's p95.
    expect(ten.p95).toBeCloseTo(3_900, 0);
    const fifty = nativeFloor(50, b, w);
    // Tier 2 is a sliding minute: 20 starts at once and 20 more at 60 s (covering 48 of the 108 s),
    // ~57 s of text per stream: 2,100 run-seconds of the 5,400 written, so 19 of 50 runs streamed.
    expect(fifty.streamed).toBe(19);
    expect(fifty.p95).toBeCloseTo(34_200, 0);
    // appendStream alone would claim 28.5 s for N = 50, which needs every run streaming.
    expect(fifty.p95).toBeGreaterThan(28_500);
  });

  it('native mode, 8 KB runs (44.5 s): the starts of one minute, not 20 at once plus 20 a minute on top', () => {
    const fifty = nativeFloor(50, b, { chars: 8_000, writeSeconds: 44.5, streamBytes: 10_600 });
    // 20 starts in the 44.5 s the runs write (the limit allows no 21st before 60 s).
    expect(fifty.streamed).toBe(20);
    expect(fifty.p95).toBeCloseTo(33_000, 0);
  });

  it('the percentile of a mix of waits', () => {
    expect(mixPercentile([{ weight: 1, periodMs: 1_000 }], 95)).toBeCloseTo(950, 3);
    expect(
      mixPercentile(
        [
          { weight: 0.5, periodMs: 1_000 },
          { weight: 0.5, periodMs: 3_000 },
        ],
        50,
      ),
    ).toBeCloseTo(750, 3);
  });
});

describe('bench measurement across a code block cut between two messages', () => {
  it('the reopened fence line of the continuation is layout, not text the agent wrote', () => {
    // The agent wrote one code block; the bot cut it between two messages and reopened it.
    const written = 'Intro.\n\n```bash\nkubectl get pods\nkubectl top nodes\n```\nAfter.';
    const threads = [
      { md: ['Intro.\n\n```bash\nkubectl get pods\n```\n', '```bash\nkubectl top nodes\n```\nAfter.'] },
    ];
    const roots = [{ channel: 'C1', ts: '0.0' } as StoredMessage];
    const footer = { type: 'context', elements: [{ type: 'mrkdwn', text: 'Done in 3s' }] };
    const slack = {
      replies: () =>
        threads[0]!.md.map((text, i) => ({
          botId: 'B1',
          blocks: [{ type: 'markdown', text }, ...(i === 1 ? [footer] : [])],
          versions: [{ at: 2_000, text, blocks: [{ type: 'markdown', text }] }],
        })),
    } as unknown as FakeSlack;
    const norm = (s: string) => s.replace(/[\s`]+/g, '');
    const m = measureThreads(slack, roots, [produced(norm(written), 1_000)]);
    expect(m.lost).toBe(0);
    expect(m.undelivered).toBe(0);
  });
});
