/**
 * Native mode's decisions replayed (test/helpers/native-replay.ts: the benchmark's workload through
 * the real ReplyStream, StreamBalance, writer and scheduler on fake timers, into an in-memory Slack
 * holding streams to the stand-in's limits, measured with the benchmark's measureThreads), against
 * the benchmark's native floor (bench/floor.ts). Deterministic: it checks what the bot decides, not
 * how fast the machine is.
 *
 * Before the fix (main at 28a2367) this replay gave what the bench measured: 1.10 / 1.08 / 1.65 × the
 * floor at N = 1 / 10 / 50 with 20 KB per run. At N = 50 the 19 streams the start budget allows at
 * once fill up (~9.6 KB) about 50 s in, before chat.startStream's minute has passed; their
 * continuations could not start within 300 ms, so those runs fell back to edits for good and from
 * then on all 50 runs shared chat.update (one edit per run every ~67 s). After: a full stream's
 * continuation waits for the next start when that comes sooner than the run's next edit would
 * (reply-stream-native.ts), 1.11 at N = 50, N = 1 and 10 unchanged.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { nativeFloor } from '../../bench/floor.ts';
import { norm } from '../../bench/measure.ts';
import { report, streamSeconds } from '../../bench/workload.ts';
import { DEFAULT_BUDGETS } from '../../src/core/slack-budgets.ts';
import { STREAMED_MESSAGE_BYTES } from '../../src/stand-ins/fake-slack-streams.ts';
import { replayNativeMode } from '../helpers/native-replay.ts';

const CHARS = 20_000;
const floorOf = (n: number) =>
  nativeFloor(
    n,
    {
      append: DEFAULT_BUDGETS['chat.appendStream']!,
      update: DEFAULT_BUDGETS['chat.update']!,
      start: DEFAULT_BUDGETS['chat.startStream']!,
    },
    { chars: CHARS, writeSeconds: streamSeconds(CHARS), streamBytes: STREAMED_MESSAGE_BYTES },
  );

describe('native mode under the scheduler, replayed with 20 KB per run', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('N = 50: staleness p95 within 1.2 × the native floor, nothing refused, every answer whole', async () => {
    const n = 50;
    const r = await replayNativeMode({ n, chars: CHARS });
    expect(r.stalenessP95 / floorOf(n).p95).toBeLessThanOrEqual(1.2);
    expect(r.refused).toEqual([]);
    expect(r.lost).toBe(0);
    expect(r.unfinished).toBe(0);
    // Each thread reads as the one answer the agent wrote, in order, nothing twice (code fences are
    // closed and reopened where a message ends inside a code block, so fences are left out).
    const unfenced = (s: string) => norm(s.replace(/```\w*/g, ''));
    expect(r.threads.map(unfenced)).toEqual(r.threads.map((_, i) => unfenced(report(i, CHARS))));
    // Streams carried text after the first minute: continuations started when starts came back.
    const laterStarts = r.calls.filter((c) => c.method === 'chat.startStream' && c.at > 60_000);
    expect(laterStarts.length).toBeGreaterThanOrEqual(15);
  }, 120_000);

  for (const n of [1, 10])
    it(`N = ${n}: no worse than before (1.10 / 1.08 × the floor), nothing refused or lost`, async () => {
      const r = await replayNativeMode({ n, chars: CHARS });
      expect(r.refused).toEqual([]);
      expect(r.lost).toBe(0);
      expect(r.unfinished).toBe(0);
      expect(r.stalenessP95 / floorOf(n).p95).toBeLessThanOrEqual(1.12);
    }, 120_000);
});
